package net.dtm.shell;

import java.io.IOException;
import java.io.Writer;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

import net.dtm.api.DeviceCredential;
import net.dtm.api.DeviceId;

/**
 * The device file of {@code device:export} and {@code device:import}: CSV, one device a line,
 * {@code #} comments, a header line {@value #HEADER}. Only {@code id} is required: a line
 * {@code id,key} (the form of {@code /api/v1/devices/bulk}) is a device enrolled now with that key;
 * a line without a key (an export without {@code --with-keys}) is a device given a fresh random
 * key on import. Keys are 64 hex digits; times ISO-8601 UTC; {@code disabled} true or false.
 */
final class DeviceFile {

    static final String HEADER = "id,key,disabled,enrolled_at,previous_key,previous_key_until,router_key,reenrol_until";
    private static final int COLUMNS = 8;
    private static final HexFormat HEX = HexFormat.of();
    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * A device read from a file.
     *
     * @param line       its line number
     * @param credential the device as it will be stored
     * @param keyGiven   false if the file gave no key (a fresh one was drawn)
     */
    record Entry(int line, DeviceCredential credential, boolean keyGiven) {
    }

    /** The devices of a file, or what is wrong with it (then nothing is to be imported). */
    record Parsed(List<Entry> entries, List<String> errors) {
    }

    private DeviceFile() {
    }

    /** Writes every device; keys (current and previous) only if {@code withKeys}. */
    static void write(List<DeviceCredential> devices, boolean withKeys, Writer out) throws IOException {
        out.write("# DTM devices, " + devices.size() + " devices, " + (withKeys ? "WITH their keys: keep this file secret"
                : "without keys") + ", exported " + Instant.now() + "\n");
        out.write(HEADER + "\n");
        for (DeviceCredential c : devices) {
            out.write(String.join(",", c.device().value(), withKeys ? c.keyHex() : "", String.valueOf(c.disabled()),
                    c.enrolledAt().toString(), withKeys ? hex(c.previousKey()) : "",
                    withKeys ? text(c.previousKeyUntil()) : "", hex(c.routerKey()), text(c.reenrolUntil())) + "\n");
        }
    }

    /** Reads a whole file; {@code now} is the enrolment time of devices the file gives none. */
    static Parsed parse(List<String> lines, Instant now) {
        List<Entry> entries = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        Set<DeviceId> seen = new HashSet<>();
        boolean first = true;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            boolean header = first && (line.equals("id") || line.startsWith("id,key"));
            first = false;
            if (header) {
                continue;
            }
            try {
                Entry e = entry(i + 1, line.split(",", -1), now);
                if (!seen.add(e.credential().device())) {
                    throw new IllegalArgumentException("device " + e.credential().device() + " appears twice");
                }
                entries.add(e);
            } catch (IllegalArgumentException | DateTimeParseException e) {
                errors.add("line " + (i + 1) + ": " + e.getMessage());
            }
        }
        return new Parsed(List.copyOf(entries), List.copyOf(errors));
    }

    private static Entry entry(int line, String[] f, Instant now) {
        if (f.length > COLUMNS) {
            throw new IllegalArgumentException(f.length + " fields, at most " + COLUMNS + " expected (" + HEADER + ")");
        }
        DeviceId id = DeviceId.of(field(f, 0));
        String keyText = field(f, 1);
        boolean keyGiven = !keyText.isEmpty();
        byte[] key;
        if (keyGiven) {
            key = DeviceCredential.parseKey(keyText);
        } else {
            key = new byte[DeviceCredential.KEY_LENGTH];
            RANDOM.nextBytes(key);
        }
        String disabled = field(f, 2);
        if (!disabled.isEmpty() && !disabled.equals("true") && !disabled.equals("false")) {
            throw new IllegalArgumentException("disabled must be true or false, got '" + disabled + "'");
        }
        Instant enrolled = field(f, 3).isEmpty() ? now : Instant.parse(field(f, 3));
        byte[] previous = field(f, 4).isEmpty() ? null : DeviceCredential.parseKey(field(f, 4));
        Instant previousUntil = instant(field(f, 5));
        if ((previous == null) != (previousUntil == null)) {
            throw new IllegalArgumentException("previous_key and previous_key_until go together");
        }
        byte[] router = field(f, 6).isEmpty() ? null : DeviceCredential.parseKey(field(f, 6));
        return new Entry(line, new DeviceCredential(id, key, enrolled, disabled.equals("true"), previous, previousUntil,
                router, instant(field(f, 7))), keyGiven);
    }

    private static String field(String[] f, int i) {
        return i < f.length ? f[i].strip() : "";
    }

    private static Instant instant(String text) {
        return text.isEmpty() ? null : Instant.parse(text);
    }

    private static String hex(byte[] bytes) {
        return bytes == null ? "" : HEX.formatHex(bytes);
    }

    private static String text(Instant t) {
        return t == null ? "" : t.toString();
    }
}
