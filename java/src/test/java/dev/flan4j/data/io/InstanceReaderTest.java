package dev.flan4j.data.io;

import dev.flan4j.data.Instance;
import dev.flan4j.data.MalformedDataException;
import org.junit.jupiter.api.Test;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

class InstanceReaderTest {
    static Path fixture(String name) {
        try {
            return Path.of(InstanceReaderTest.class.getResource("/data/io/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void flanCollection() {
        List<Instance> all = new FlanCollectionReader().read(fixture("flan_collection.jsonl"));
        assertEquals(3, all.size());
        Instance first = all.get(0);
        assertEquals("anli_r1:0.1.0", first.task());
        assertEquals("yes", first.target());
        assertEquals(List.of("yes", "it is not possible to tell", "no"), first.options());
        assertFalse(all.get(1).isClassification());
        assertEquals("Madrid", all.get(2).target());
        List<Instance> zeroShot = new FlanCollectionReader(Set.of("zsopt", "zsnoopt")).read(fixture("flan_collection.jsonl"));
        assertEquals(2, zeroShot.size());
    }

    @Test
    void flanCollectionMalformed() {
        MalformedDataException e = assertThrows(MalformedDataException.class,
                () -> new FlanCollectionReader().read(fixture("flan_collection_bad.jsonl")));
        assertTrue(e.file().endsWith("flan_collection_bad.jsonl"));
        assertEquals(2, e.line());
        assertEquals("targets", e.field());
        assertTrue(e.getMessage().contains("flan_collection_bad.jsonl:2"), e.getMessage());
        MalformedDataException t = assertThrows(MalformedDataException.class,
                () -> new FlanCollectionReader().read(fixture("flan_collection_bad_type.jsonl")));
        assertEquals("template_type", t.field());
    }

    @Test
    void flan2021() {
        List<Instance> all = InstanceReader.forFormat("flan2021").read(fixture("rte_10templates.jsonl"));
        assertEquals("rte_10templates", all.get(0).task());
        assertEquals(List.of("yes", "no"), all.get(0).options());
        assertEquals("A cat sat.", all.get(1).target());
        assertEquals("rte_custom", all.get(2).task());
        MalformedDataException e = assertThrows(MalformedDataException.class,
                () -> new Flan2021Reader().read(fixture("rte_bad.jsonl")));
        assertEquals(2, e.line());
    }

    @Test
    void p3() {
        List<Instance> all = InstanceReader.forFormat("p3").read(fixture("super_glue_rte_GPT_3_style.jsonl"));
        assertEquals("super_glue_rte_GPT_3_style", all.get(0).task());
        assertEquals(List.of("True", "False"), all.get(0).options());
        assertEquals("True", all.get(0).target());
        assertFalse(all.get(1).isClassification());
        MalformedDataException e = assertThrows(MalformedDataException.class, () -> new P3Reader().read(fixture("p3_bad.jsonl")));
        assertEquals(1, e.line());
        assertEquals("answer_choices[1]", e.field());
    }

    @Test
    void naturalInstructions() {
        List<Instance> zero = InstanceReader.forFormat("sni").read(fixture("task999_fixture_qa.json"));
        assertEquals(2, zero.size());
        assertEquals("task999_fixture_qa", zero.get(0).task());
        assertEquals("Definition: Answer the question with a single word.\n\n"
                + "Now complete the following example -\nInput: What do bees make?\nOutput:", zero.get(0).input());
        assertEquals("Honey", zero.get(0).target());
        Instance two = new NaturalInstructionsReader(2).read(fixture("task999_fixture_qa.json")).get(1);
        assertTrue(two.input().contains("Positive Example 2 -\nInput: What is frozen water?\nOutput: Ice\n\n"), two.input());
        MalformedDataException e = assertThrows(MalformedDataException.class,
                () -> new NaturalInstructionsReader().read(fixture("task998_bad.json")));
        assertEquals("Instances[1].output", e.field());
        assertTrue(e.file().endsWith("task998_bad.json"));
    }

    @Test
    void unknownFormat() {
        assertThrows(IllegalArgumentException.class, () -> InstanceReader.forFormat("alpaca"));
    }
}
