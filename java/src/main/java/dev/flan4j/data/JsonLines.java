package dev.flan4j.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;

/** Reads JSON Lines files (plain, or gzip when the name ends with {@code .gz}), one {@link JsonRecord} per line. */
public final class JsonLines {
    static final ObjectMapper MAPPER = new ObjectMapper();

    private JsonLines() {}

    /** Calls {@code each} for every non-blank line of a file. */
    public static void forEach(Path file, Consumer<JsonRecord> each) {
        try (InputStream in = Files.newInputStream(file)) {
            forEach(in, file.toString(), each);
        } catch (IOException e) {
            throw cannotRead(file, e);
        }
    }

    /** An unchecked error naming the file and the reason it could not be read. */
    public static UncheckedIOException cannotRead(Path file, IOException e) {
        String why = e instanceof NoSuchFileException ? "no such file"
                : e instanceof AccessDeniedException ? "permission denied"
                : Files.isDirectory(file) ? "it is a folder, not a file"
                : e.getMessage();
        return new UncheckedIOException("cannot read " + file + ": " + why, e);
    }

    /** Calls {@code each} for every non-blank line of a stream; {@code name} is used in messages and for gzip detection. */
    public static void forEach(InputStream raw, String name, Consumer<JsonRecord> each) throws IOException {
        InputStream in = name.endsWith(".gz") ? new GZIPInputStream(raw, 1 << 16) : raw;
        // Invalid UTF-8 is an error, not silently replaced.
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)), 1 << 16);
        long lineNo = 0;
        while (true) {
            String line;
            try {
                line = r.readLine();
            } catch (CharacterCodingException e) {
                throw new MalformedDataException(name, lineNo + 1, null, "invalid UTF-8 (the file must be UTF-8 text)", e);
            }
            if (line == null) break;
            lineNo++;
            if (line.isBlank()) continue;
            JsonNode node;
            try {
                node = MAPPER.readTree(line);
            } catch (JsonProcessingException e) {
                throw new MalformedDataException(name, lineNo, null, "invalid JSON: " + e.getOriginalMessage(), e);
            }
            each.accept(JsonRecord.of(node, name, lineNo));
        }
    }

    /** Parses a whole JSON file (not line-based); syntax errors name the line. */
    public static JsonRecord readObject(InputStream in, String name) throws IOException {
        try {
            return JsonRecord.of(MAPPER.readTree(in), name, 0);
        } catch (JsonProcessingException e) {
            long line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
            throw new MalformedDataException(name, line, null, "invalid JSON: " + e.getOriginalMessage(), e);
        }
    }
}
