"""Checks the Python formulas against the same hand-computed numbers as FlopsTest/BytesTest (no torch needed):

  python3 -m unittest discover -s benchmarks/torch -p 'test_*.py'
"""
import unittest

import common
import compare


class FormulaTest(unittest.TestCase):
    def test_flops(self):
        self.assertEqual(common.flops_matmul(3, 5, 7, "fwd"), 210)
        self.assertEqual(common.flops_matmul(3, 5, 7, "bwd"), 420)
        self.assertEqual(common.flops_attention(2, 3, 4, 5, False, "fwd"), 1920)
        self.assertEqual(common.flops_attention(2, 3, 4, 5, True, "fwd"), 960)
        self.assertEqual(common.flops_attention(2, 3, 4, 5, True, "bwd"), 2400)
        self.assertEqual(common.param_count(4096, 16, 2, 4, 64), 363264)
        self.assertEqual(common.flops_step(4096, 16, 2, 4, 64, 1, 16, "fwd+bwd"), 2198016 * 16)
        self.assertEqual(common.flops_flce(3, 7, 64), 3 * 2 * 3 * 64 * 7)
        self.assertEqual(common.shape_flce(2, 5, 8, 50, 64), "B=2,T=5,C=8,V=50,Vp=64,M=10")

    def test_bytes(self):
        self.assertEqual(common.bytes_layernorm(2, 3, "fwd", "fp32"), 88)
        self.assertEqual(common.bytes_layernorm(2, 3, "bwd", "bf16"), 124)
        self.assertEqual(common.bytes_cross_entropy(2, 50, 64, "fwd+bwd", "fp32"), 928)
        self.assertEqual(common.bytes_gelu(10, "bwd", "fp32"), 120)
        self.assertEqual(common.bytes_matmul(3, 5, 7, "fwd", "fp32"), 284)
        self.assertEqual(common.bytes_attention(4, 2, 3, "bwd", "fp32"), 800)

    def test_stats_and_peaks(self):
        self.assertEqual(common.stats([5, 1, 4, 2, 3, 10, 9, 8, 7, 6]), (5.5, 1, 9))
        self.assertEqual(common.lookup_peak("NVIDIA H100 80GB HBM3"), "H100 SXM")
        self.assertEqual(common.lookup_peak("NVIDIA A100-PCIE-40GB"), "A100 40GB")
        r = common.result("matmul", "matmul", "fwd", "fp32", "M=8,N=12,K=4", [2.0, 2.0], 768.0, 1024,
                          "NVIDIA H100 80GB HBM3")
        self.assertAlmostEqual(r["peak_pct"], 100 * (768 / 0.002) / 66.9e12, delta=1e-15)
        self.assertEqual(r["peak_basis"], "66.9 TFLOP/s fp32")

    def test_join(self):
        ours = [{"label": "attention", "op": "attention", "direction": "fwd", "dtype": "bf16", "shape": "s",
                 "median_ms": 2.0}]
        theirs = [dict(ours[0], median_ms=1.0), dict(ours[0], dtype="fp32", median_ms=9.0)]
        rows = compare.join(ours, theirs)
        self.assertEqual(len(rows), 1)
        self.assertEqual(rows[0]["ratio"], 2.0)


if __name__ == "__main__":
    unittest.main()
