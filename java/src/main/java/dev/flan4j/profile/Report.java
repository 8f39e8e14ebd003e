package dev.flan4j.profile;

import java.util.List;
import java.util.Map;

/**
 * A profiling session: a header (tool, backend, device, timer, L2 flush, runs, date, notes) and the results.
 * The JSON form is {@code {"schema": "flan4j-profile/1", "header": {...}, "results": [{...}]}}.
 */
public record Report(Map<String, Object> header, List<Result> results) {
    public static final String SCHEMA = "flan4j-profile/1";
}
