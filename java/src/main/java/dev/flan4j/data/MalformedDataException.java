package dev.flan4j.data;

/**
 * Thrown when a collection, task file or user data file has unknown or malformed content.
 * The message names the file, the line (when the format is line-based, else 0) and the offending field.
 */
public class MalformedDataException extends RuntimeException {
    private final String file;
    private final long line;
    private final String field;

    public MalformedDataException(String file, long line, String field, String detail) {
        this(file, line, field, detail, null);
    }

    public MalformedDataException(String file, long line, String field, String detail, Throwable cause) {
        super(file + (line > 0 ? ":" + line : "") + (field == null ? "" : ": field '" + field + "'") + ": " + detail, cause);
        this.file = file;
        this.line = line;
        this.field = field;
    }

    /** The file (or resource) the bad content came from. */
    public String file() { return file; }

    /** 1-based line number, or 0 when the format is not line-based. */
    public long line() { return line; }

    /** The field (JSON key or path), or null when the whole record is bad. */
    public String field() { return field; }
}
