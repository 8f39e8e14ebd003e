package dev.flan4j.data;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class DataStatsTest {
    @Test
    void rowsAndTable() {
        Collection c = Fixtures.collection();
        List<DataStats.Row> rows = DataStats.rows(c);
        assertEquals(new DataStats.Row("nli", "tiny_nli", TaskType.CLASSIFICATION, 6, 2, 2, 3, 1), rows.get(0));
        String table = DataStats.table(c);
        String[] lines = table.split("\n");
        assertTrue(lines[0].startsWith("cluster"), table);
        assertTrue(lines[lines.length - 1].startsWith("total"), table);
        assertTrue(lines[lines.length - 1].contains("17"), table);   // 6 + 4 + 3 + 4 train
        assertTrue(lines[lines.length - 1].contains("4 clusters, 4 datasets"), table);
        assertTrue(table.contains("tiny_en_es"));
    }
}
