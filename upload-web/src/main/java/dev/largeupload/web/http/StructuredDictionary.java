package dev.largeupload.web.http;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * A strict parser of RFC 8941 structured-field dictionaries ({@code a=1, b=:AAAA:;p, c=(x y)}), the
 * syntax of {@code Content-Digest} (RFC 9530) and of the other structured headers an edge may read.
 * It accepts exactly the grammar of RFC 8941 section 4.2.2 and refuses everything else: upper-case
 * keys, blanks around {@code =}, a trailing comma, text after the last member, an unterminated byte
 * sequence. Unlike the RFC's algorithm, which keeps the last of two members with the same key, it
 * returns every member in order, so that a caller can check all of them instead of trusting one.
 * Parameters are parsed for their syntax and not returned.
 */
public final class StructuredDictionary {

    /** A member: its key and its value, one of {@code Long}, {@code BigDecimal}, {@code String}, {@link Token},
     *  {@code byte[]}, {@code Boolean}, or a {@code List} of those (an inner list). */
    public record Member(String key, Object value) {
    }

    /** A token such as {@code gzip} or {@code text/plain}, kept apart from a quoted string. */
    public record Token(String value) {
    }

    /** The field value is not a dictionary; the message says where and why. */
    public static final class SyntaxException extends Exception {
        private static final long serialVersionUID = 1L;

        SyntaxException(String message) {
            super(message);
        }
    }

    private final String input;
    private int at;

    private StructuredDictionary(String input) {
        this.input = input;
    }

    /** The members of the dictionary in {@code fieldValue}, in order, duplicates included. */
    public static List<Member> parse(String fieldValue) throws SyntaxException {
        StructuredDictionary parser = new StructuredDictionary(fieldValue);
        parser.skipSpaces();
        List<Member> members = parser.dictionary();
        parser.skipSpaces();
        if (!parser.atEnd()) {
            throw parser.error("unexpected text after the last member");
        }
        return members;
    }

    private List<Member> dictionary() throws SyntaxException {
        List<Member> members = new ArrayList<>();
        while (!atEnd()) {
            String key = key();
            Object value;
            if (peek() == '=') {
                at++;
                value = itemOrInnerList();
            } else {
                value = Boolean.TRUE;
                parameters();
            }
            members.add(new Member(key, value));
            skipOptionalWhitespace();
            if (atEnd()) {
                return members;
            }
            if (input.charAt(at++) != ',') {
                throw error("members must be separated by ','");
            }
            skipOptionalWhitespace();
            if (atEnd()) {
                throw error("a ',' must be followed by another member");
            }
        }
        return members;
    }

    private Object itemOrInnerList() throws SyntaxException {
        if (peek() == '(') {
            return innerList();
        }
        Object item = bareItem();
        parameters();
        return item;
    }

    private List<Object> innerList() throws SyntaxException {
        at++; // (
        List<Object> items = new ArrayList<>();
        while (!atEnd()) {
            skipSpaces();
            if (peek() == ')') {
                at++;
                parameters();
                return items;
            }
            items.add(bareItem());
            parameters();
            char next = peek();
            if (next != ' ' && next != ')') {
                throw error("items of an inner list must be separated by a space");
            }
        }
        throw error("an inner list must end with ')'");
    }

    private void parameters() throws SyntaxException {
        while (peek() == ';') {
            at++;
            skipSpaces();
            key();
            if (peek() == '=') {
                at++;
                bareItem();
            }
        }
    }

    private String key() throws SyntaxException {
        char first = peek();
        if (!(isLowerAlpha(first) || first == '*')) {
            throw error("a key must start with a lower-case letter or '*'");
        }
        int start = at;
        while (!atEnd() && isKeyChar(input.charAt(at))) {
            at++;
        }
        return input.substring(start, at);
    }

    private Object bareItem() throws SyntaxException {
        char c = peek();
        if (c == '-' || isDigit(c)) {
            return number();
        }
        if (c == '"') {
            return string();
        }
        if (c == '*' || isAlpha(c)) {
            return token();
        }
        if (c == ':') {
            return byteSequence();
        }
        if (c == '?') {
            return bool();
        }
        throw error("no value can start with " + describe(c));
    }

    private Object number() throws SyntaxException {
        int start = at;
        if (peek() == '-') {
            at++;
        }
        if (!isDigit(peek())) {
            throw error("a number needs a digit");
        }
        int dot = -1;
        while (!atEnd()) {
            char c = input.charAt(at);
            if (isDigit(c)) {
                at++;
            } else if (c == '.' && dot < 0) {
                if (at - start > 12 + (input.charAt(start) == '-' ? 1 : 0)) {
                    throw error("a decimal has at most 12 integer digits");
                }
                dot = at++;
            } else {
                break;
            }
            int digits = at - start - (input.charAt(start) == '-' ? 1 : 0);
            if (dot < 0 && digits > 15 || dot >= 0 && digits > 16) {
                throw error("a number has too many digits");
            }
        }
        String text = input.substring(start, at);
        if (dot < 0) {
            return Long.parseLong(text);
        }
        int fraction = at - dot - 1;
        if (fraction < 1 || fraction > 3) {
            throw error("a decimal has one to three fractional digits");
        }
        return new BigDecimal(text);
    }

    private String string() throws SyntaxException {
        at++; // "
        StringBuilder value = new StringBuilder();
        while (!atEnd()) {
            char c = input.charAt(at++);
            if (c == '\\') {
                char escaped = peek();
                if (escaped != '"' && escaped != '\\') {
                    throw error("only \\\" and \\\\ are escapes in a string");
                }
                value.append(escaped);
                at++;
            } else if (c == '"') {
                return value.toString();
            } else if (c < 0x20 || c > 0x7e) {
                throw error("a string holds printable ASCII only");
            } else {
                value.append(c);
            }
        }
        throw error("a string must end with '\"'");
    }

    private Token token() {
        int start = at;
        while (!atEnd() && (isTokenChar(input.charAt(at)) || input.charAt(at) == ':' || input.charAt(at) == '/')) {
            at++;
        }
        return new Token(input.substring(start, at));
    }

    private byte[] byteSequence() throws SyntaxException {
        int start = ++at; // after the opening ':'
        int end = input.indexOf(':', start);
        if (end < 0) {
            throw error("a byte sequence must end with ':'");
        }
        String base64 = input.substring(start, end);
        for (int i = 0; i < base64.length(); i++) {
            char c = base64.charAt(i);
            if (!(isAlpha(c) || isDigit(c) || c == '+' || c == '/' || c == '=')) {
                throw error("a byte sequence holds Base64 characters only");
            }
        }
        at = end + 1;
        try {
            return Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw error("a byte sequence is not valid Base64");
        }
    }

    private Boolean bool() throws SyntaxException {
        at++; // ?
        char c = peek();
        if (c != '0' && c != '1') {
            throw error("a boolean is ?0 or ?1");
        }
        at++;
        return c == '1';
    }

    private void skipSpaces() {
        while (!atEnd() && input.charAt(at) == ' ') {
            at++;
        }
    }

    private void skipOptionalWhitespace() {
        while (!atEnd() && (input.charAt(at) == ' ' || input.charAt(at) == '\t')) {
            at++;
        }
    }

    private boolean atEnd() {
        return at >= input.length();
    }

    /** The next character, or NUL at the end (which no rule accepts). */
    private char peek() {
        return atEnd() ? '\0' : input.charAt(at);
    }

    private SyntaxException error(String why) {
        return new SyntaxException(why + " (at character " + (at + 1) + ")");
    }

    private static String describe(char c) {
        return c == '\0' ? "the end of the field" : c >= 0x21 && c <= 0x7e ? "'" + c + "'" : String.format("U+%04X", (int) c);
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isLowerAlpha(char c) {
        return c >= 'a' && c <= 'z';
    }

    private static boolean isAlpha(char c) {
        return isLowerAlpha(c) || c >= 'A' && c <= 'Z';
    }

    private static boolean isKeyChar(char c) {
        return isLowerAlpha(c) || isDigit(c) || c == '_' || c == '-' || c == '.' || c == '*';
    }

    /** RFC 9110 tchar. */
    private static boolean isTokenChar(char c) {
        return isAlpha(c) || isDigit(c) || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
    }
}
