package dev.flan4j.eval.metrics;

import java.util.ArrayList;
import java.util.List;

/**
 * Python 3 {@code str} whitespace semantics, which every reference metric here relies on
 * ({@code str.split()}, {@code str.strip()}, {@code str.rstrip()}).
 *
 * <p>Python's {@code str.isspace()} is true for code points of bidirectional class WS, B or S
 * or general category Zs. That set differs from {@link Character#isWhitespace} (which excludes
 * U+00A0, U+2007, U+202F and includes none of U+0085), so it is spelled out here.
 */
final class PyText {
    private PyText() {}

    /** Python 3 {@code str.isspace()} for a single code point. */
    static boolean isSpace(int cp) {
        switch (cp) {
            case '\t': case '\n': case 0x0B: case 0x0C: case '\r':
            case 0x1C: case 0x1D: case 0x1E: case 0x1F: case ' ':
            case 0x85: case 0xA0: case 0x1680:
            case 0x2028: case 0x2029: case 0x202F: case 0x205F: case 0x3000:
                return true;
            default:
                return cp >= 0x2000 && cp <= 0x200A;
        }
    }

    /** Python {@code s.split()}: split on runs of whitespace, dropping empty pieces. */
    static List<String> split(String s) {
        List<String> out = new ArrayList<>();
        int n = s.length();
        int i = 0;
        while (i < n) {
            while (i < n && isSpace(s.codePointAt(i))) i += Character.charCount(s.codePointAt(i));
            int start = i;
            while (i < n && !isSpace(s.codePointAt(i))) i += Character.charCount(s.codePointAt(i));
            if (i > start) out.add(s.substring(start, i));
        }
        return out;
    }

    /** Python {@code s.rstrip()}. */
    static String rstrip(String s) {
        int end = s.length();
        while (end > 0) {
            int cp = s.codePointBefore(end);
            if (!isSpace(cp)) break;
            end -= Character.charCount(cp);
        }
        return s.substring(0, end);
    }
}
