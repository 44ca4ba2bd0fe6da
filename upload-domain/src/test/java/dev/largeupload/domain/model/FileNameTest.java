package dev.largeupload.domain.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.largeupload.domain.error.UploadException.InvalidArgument;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class FileNameTest {

    @ParameterizedTest
    @ValueSource(strings = {
            "report.pdf",
            "Quarterly report 2024 (final).xlsx",
            "Résumé – version 2.docx",
            "日本語のファイル.txt",
            "\uD83D\uDE00 party photos.zip",
            "...hidden dots",
            ".bashrc",
            "a"})
    void accepts_ordinaryNames(String name) {
        assertEquals(name, new FileName(name).value());
    }

    @Test
    void accepts_255CodePoints_evenWhenTheyAreTwoCharsEach() {
        String emoji = "\uD83D\uDE00".repeat(255);

        assertEquals(510, new FileName(emoji).value().length());
    }

    @Test
    void refuses_256CodePoints() {
        assertRefused("a".repeat(256));
        assertRefused("\uD83D\uDE00".repeat(256));
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {" ", "   ", "\t", "\u2003"})
    void refuses_blankNames(String name) {
        assertRefused(name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"../x", "a/b", "a\\b", "/etc/passwd", "..\\..\\boot.ini", "dir/"})
    void refuses_pathSeparators(String name) {
        assertRefused(name);
    }

    @ParameterizedTest
    @ValueSource(strings = {".", ".."})
    void refuses_dotAndDotDot(String name) {
        assertRefused(name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"a\u0000b", "a\u0001b", "line\nbreak", "car\rriage", "del\u007f", "c1\u0085"})
    void refuses_controlCharacters(String name) {
        assertRefused(name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"invoice\u202Efdp.exe", "a\u2066b\u2069", "x\u200Fy", "\uFEFFbom.txt"})
    void refuses_bidiOverridesAndInvisibleMarks(String name) {
        assertRefused(name);
    }

    @Test
    void refuses_aLoneSurrogate() {
        assertRefused("broken\uD83D.txt");
    }

    private static void assertRefused(String name) {
        InvalidArgument e = assertThrows(InvalidArgument.class, () -> new FileName(name), () -> "accepted " + name);
        assertEquals("upload.invalid-filename", e.code());
        assertEquals(InvalidArgument.Field.FILE_NAME, e.field());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "C:\\fakepath\\report.pdf | report.pdf",
            "../../etc/passwd | passwd",
            "folder/sub/x.zip | x.zip",
            "  blanks around.txt   | blanks around.txt",
            "ab\u202Ecd.exe | abcd.exe",
            "zero\u200Bwidth | zerowidth",
            "Quartalsbericht Ü 2024 📄.pdf | Quartalsbericht Ü 2024 📄.pdf"})
    void sanitize_keepsTheReadableNameAlone(String raw, String clean) {
        assertEquals(clean, FileName.sanitize(unescape(raw)).value());
    }

    @Test
    void sanitize_removesControlCharactersAndNormalisesToNfc() {
        assertEquals("tabnull.bin", FileName.sanitize("tab\tnull\u0000.bin").value());
        assertEquals("\u00e9.txt", FileName.sanitize("e\u0301.txt").value());
    }

    @Test
    void sanitize_cutsALongNameTo255CharactersKeepingTheExtension() {
        FileName name = FileName.sanitize("y".repeat(400) + ".tar.gz");
        assertEquals(255, name.value().codePointCount(0, name.value().length()));
        assertTrue(name.value().endsWith("y.gz"));
        FileName emoji = FileName.sanitize("😀".repeat(300));
        assertEquals(255, emoji.value().codePointCount(0, emoji.value().length()), "never cuts a character in half");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "..", ".", "../", "dir/", "\u0007\u0000", " \u202E "})
    void sanitize_refusesWhatHasNothingUsable(String raw) {
        InvalidArgument e = assertThrows(InvalidArgument.class, () -> FileName.sanitize(unescape(raw)));
        assertEquals("upload.invalid-filename", e.code());
    }

    private static String unescape(String s) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            if (s.startsWith("\\u", i) && i + 6 <= s.length()) {
                out.append((char) Integer.parseInt(s.substring(i + 2, i + 6), 16));
                i += 5;
            } else {
                out.append(s.charAt(i));
            }
        }
        return out.toString();
    }
}
