package dev.flan4j.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressLineTest {
    @Test
    void linesGiveCountRateAndEtaAtMostOncePerIntervalAndAlwaysTheLast() {
        AtomicLong now = new AtomicLong(0);
        StringWriter out = new StringWriter();
        ProgressLine p = new ProgressLine("eval", new PrintWriter(out), 5_000_000_000L, now::get);
        now.set(2_000_000_000L);
        p.scored(20, 100);   // first call always prints
        now.set(4_000_000_000L);
        p.scored(40, 100);   // 2 s later: too soon
        now.set(8_000_000_000L);
        p.scored(80, 100);
        now.set(9_000_000_000L);
        p.scored(100, 100);  // the last always prints
        assertEquals(String.join("\n",
                "eval: 20/100 examples scored (20%), 10.0/s, ETA 8s",
                "eval: 80/100 examples scored (80%), 10.0/s, ETA 2s",
                "eval: 100/100 examples scored (100%), 11.1/s, done in 9s", ""), out.toString());
        assertEquals("1m05s", ProgressLine.duration(65));
        assertEquals("2h01m", ProgressLine.duration(7260));
    }
}
