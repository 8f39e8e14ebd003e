#!/usr/bin/env python3
"""Write flan4j's mini-bpe tokenizer as a Hugging Face fast tokenizer (tokenizer.json + tokenizer_config.json).

mini-bpe is a byte-level BPE in tiktoken's rank format (data/src/main/resources/mini-flan/tokenizer/): ids 0-255 are the
single bytes, <|endoftext|> is 4095, pre-tokenization is GPT-2's pattern. A Hugging Face BPE needs merges, which are
recovered from the ranks the usual way: each multi-byte token is what BPE with the lower-ranked tokens makes of its
bytes, two parts merged at its rank. Tokens are written in GPT-2's bytes-to-unicode alphabet with the ByteLevel
pre-tokenizer (GPT-2's regex), so the fast tokenizer encodes as tiktoken (and JTokkit) do; check_tokenizer() verifies
it on the given texts.

  python3 make_hf_tokenizer.py <out-dir> [--ranks mini-bpe.tiktoken]
"""
import argparse
import base64
import json
import pathlib

REPO = pathlib.Path(__file__).resolve().parents[2]
TOK_DIR = REPO / "data/src/main/resources/mini-flan/tokenizer"
EOT = "<|endoftext|>"


def bytes_to_unicode():
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, map(chr, cs)))


def read_ranks(path):
    ranks = {}
    for line in pathlib.Path(path).read_text().splitlines():
        if line.strip():
            tok, rank = line.split()
            ranks[base64.b64decode(tok)] = int(rank)
    return ranks


def split_at_rank(ranks, token, rank):
    """The parts BPE makes of token's bytes using only merges ranked below rank."""
    parts = [bytes([b]) for b in token]
    while True:
        best = None
        for i in range(len(parts) - 1):
            r = ranks.get(parts[i] + parts[i + 1])
            if r is not None and r < rank and (best is None or r < best[1]):
                best = (i, r)
        if best is None:
            return parts
        i = best[0]
        parts = parts[:i] + [parts[i] + parts[i + 1]] + parts[i + 2:]


def build(ranks_path, eot_id):
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers
    ranks = read_ranks(ranks_path)
    b2u = bytes_to_unicode()
    enc = lambda b: "".join(b2u[x] for x in b)
    vocab = {enc(t): r for t, r in ranks.items()}
    merges = []
    for t, r in sorted(ranks.items(), key=lambda kv: kv[1]):
        if len(t) == 1:
            continue
        parts = split_at_rank(ranks, t, r)
        assert len(parts) == 2, f"token {t!r} (rank {r}) does not split in two: {parts}"
        merges.append((enc(parts[0]), enc(parts[1])))
    tok = Tokenizer(models.BPE(vocab=vocab, merges=merges, fuse_unk=False, byte_fallback=False))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)
    tok.decoder = decoders.ByteLevel()
    tok.add_special_tokens([EOT])
    assert tok.token_to_id(EOT) == eot_id, (tok.token_to_id(EOT), eot_id)
    return tok


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--ranks", default=str(TOK_DIR / "mini-bpe.tiktoken"))
    args = ap.parse_args()
    meta = json.loads((TOK_DIR / "tokenizer.json").read_text())
    tok = build(args.ranks, meta["special_tokens"][EOT])
    from transformers import PreTrainedTokenizerFast
    fast = PreTrainedTokenizerFast(tokenizer_object=tok, eos_token=EOT, bos_token=EOT, unk_token=EOT,
                                   model_max_length=1 << 30)
    fast.save_pretrained(args.out)
    print(f"wrote {args.out}: {len(tok.get_vocab())} ids, {EOT} = {tok.token_to_id(EOT)}")


if __name__ == "__main__":
    main()
