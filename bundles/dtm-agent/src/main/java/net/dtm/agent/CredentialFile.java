package net.dtm.agent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Objects;

/**
 * The device credential file ({@code device.key.file}). Its first line is the device key, 64 hex
 * digits: all an operator-made file holds (the format of every release before enrolment, still
 * read as it is). A credential this router got by enrolling itself is written (atomically, mode
 * 600) with two more lines: {@code pool=<the pool its enrolment key names, may be empty>} and
 * {@code enrolled=router}. Lines {@code name=value} of other names are ignored (a later release's).
 */
final class CredentialFile {

    /** The pool line's name. */
    static final String POOL = "pool";
    /** The line saying this router enrolled itself, and its value. */
    static final String ENROLLED = "enrolled";
    static final String BY_ROUTER = "router";

    /**
     * What the file holds.
     *
     * @param key      the 32-byte device key
     * @param pool     the pool named at enrolment, empty for none (or an operator-made file)
     * @param enrolled true if this router got the key by enrolling itself
     */
    record Credential(byte[] key, String pool, boolean enrolled) {
        Credential {
            Objects.requireNonNull(pool, "pool");
            if (key.length != 32) {
                throw new IllegalArgumentException("device key must be 32 bytes, got " + key.length);
            }
            key = key.clone();
        }

        @Override
        public byte[] key() {
            return key.clone();
        }

        @Override
        public String toString() {
            return "Credential[pool=" + pool + ", enrolled=" + enrolled + "]"; // never the key
        }
    }

    private CredentialFile() {
    }

    /**
     * Reads {@code file}.
     *
     * @throws IOException              if it cannot be read
     * @throws IllegalArgumentException if its first line is not 64 hex digits or a further line is not {@code name=value}
     */
    static Credential read(Path file) throws IOException {
        return parse(Files.readString(file, StandardCharsets.US_ASCII));
    }

    /** Parses the file's text (see the class comment); blank lines and surrounding white space are ignored. */
    static Credential parse(String text) {
        String[] lines = text.strip().split("\\R");
        byte[] key = AgentConfig.key(lines[0]);
        String pool = "";
        boolean enrolled = false;
        for (int i = 1; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty()) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("line " + (i + 1) + " is not name=value");
            }
            String name = line.substring(0, eq).strip();
            String value = line.substring(eq + 1).strip();
            if (name.equals(POOL)) {
                pool = value;
            } else if (name.equals(ENROLLED)) {
                enrolled = value.equals(BY_ROUTER);
            }
        }
        return new Credential(key, pool, enrolled);
    }

    /** Writes the credential this router got by enrolling, atomically, mode 600. */
    static void writeEnrolled(Path file, byte[] key, String pool) throws IOException {
        PrivateFiles.write(file, format(new Credential(key, pool, true)));
    }

    /** The file's text for {@code c}. */
    static String format(Credential c) {
        StringBuilder s = new StringBuilder(HexFormat.of().formatHex(c.key())).append('\n');
        if (c.enrolled()) {
            s.append(POOL).append('=').append(c.pool()).append('\n');
            s.append(ENROLLED).append('=').append(BY_ROUTER).append('\n');
        }
        return s.toString();
    }
}
