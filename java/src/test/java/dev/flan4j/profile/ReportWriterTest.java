package dev.flan4j.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReportWriterTest {
    private static Report report() {
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("tool", "flan4j");
        h.put("backend", "cpu");
        h.put("device", "CPU, 2 threads, OpenBLAS");
        h.put("gpu", null);
        Result r = new Result("matmul.qkv", "matmul", "fwd", "fp32", "M=8,N=12,K=4", 3, 1.5, 1.0, 2.0, 768.0, 1024L,
                5.12e-7, 6.8e-4, null, "unknown", null, "threads=2");
        return new Report(h, List.of(r));
    }

    @Test
    void tableHasHeaderLinesAndColumns() {
        String t = ReportWriter.table(report());
        assertTrue(t.startsWith("# tool: flan4j\n# backend: cpu\n# device: CPU, 2 threads, OpenBLAS\n"), t);
        assertTrue(!t.contains("# gpu"), "null header values are left out");
        String[] lines = t.split("\n");
        assertTrue(lines[3].matches("label\\s+dir\\s+dtype\\s+shape\\s+median_ms\\s+min_ms\\s+p90_ms\\s+TFLOP/s\\s+GB/s\\s+%peak\\s+tokens/s\\s+launch"), lines[3]);
        assertTrue(lines[4].startsWith("matmul.qkv  fwd  fp32   M=8,N=12,K=4"), lines[4]);
        assertTrue(lines[4].contains(" 1.500 ") && lines[4].contains("n/a") && lines[4].endsWith("threads=2"), lines[4]);
    }

    @Test
    void csvQuotesShapes() {
        String[] lines = ReportWriter.csv(report()).split("\n");
        assertEquals("tool,backend,device,label,op,direction,dtype,shape,runs,median_ms,min_ms,p90_ms,flops,bytes,tflops,"
                + "gbps,peak_pct,peak_basis,tokens_per_s,launch", lines[0]);
        assertEquals("flan4j,cpu,\"CPU, 2 threads, OpenBLAS\",matmul.qkv,matmul,fwd,fp32,\"M=8,N=12,K=4\",3,1.5,1.0,2.0,"
                + "768.0,1024,5.12E-7,6.8E-4,,unknown,,threads=2", lines[1]);
    }

    @Test
    void jsonHasSchemaHeaderAndResults() throws Exception {
        JsonNode n = new ObjectMapper().readTree(ReportWriter.json(report()));
        assertEquals(Report.SCHEMA, n.get("schema").asText());
        assertEquals("cpu", n.get("header").get("backend").asText());
        JsonNode r = n.get("results").get(0);
        assertEquals(Result.COLUMNS.length, r.size());
        assertEquals(1.5, r.get("median_ms").asDouble());
        assertEquals(768.0, r.get("flops").asDouble());
        assertTrue(r.get("peak_pct").isNull());
    }

    @Test
    void formatParse() {
        assertEquals(ReportWriter.Format.CSV, ReportWriter.Format.parse("CSV"));
        assertEquals("unknown format 'xml'; use table, json or csv",
                assertThrows(IllegalArgumentException.class, () -> ReportWriter.Format.parse("xml")).getMessage());
    }
}
