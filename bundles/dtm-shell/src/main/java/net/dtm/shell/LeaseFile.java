package net.dtm.shell;

import java.io.IOException;
import java.io.Writer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import net.dtm.api.Cidr;
import net.dtm.api.DeviceId;
import net.dtm.api.Lease;
import net.dtm.api.LeaseState;

/**
 * The lease file of {@code lease:export} and {@code lease:import}: JSON
 * {@code {"format":"dtm-leases/1","exportedAt":..,"leases":[{"pool","device","address","state",
 * "sequence","expiresAt","node","reserved","deviceSequence","instance"}]}}, one lease a line, every
 * field of a binding so an import restores it exactly (state lower case, times ISO-8601 UTC).
 */
final class LeaseFile {

    static final String FORMAT = "dtm-leases/1";

    /** The leases of a file, or what is wrong with it. */
    record Parsed(List<Lease> leases, List<String> errors) {
    }

    /** Writes a file lease by lease (an export may be large): {@link #begin}, {@link #add}..., {@link #end}. */
    static final class Out {
        private final Writer out;
        private int count;

        private Out(Writer out) {
            this.out = out;
        }

        static Out begin(Writer out) throws IOException {
            out.write("{\"format\":\"" + FORMAT + "\",\"exportedAt\":\"" + Instant.now() + "\",\"leases\":[");
            return new Out(out);
        }

        void add(Lease l) throws IOException {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("pool", l.pool());
            row.put("device", l.device().value());
            row.put("address", Cidr.format(l.address()));
            row.put("state", l.state().name().toLowerCase(Locale.ROOT));
            row.put("sequence", l.sequence());
            row.put("expiresAt", l.expiresAt().toString());
            row.put("node", l.nodeId());
            row.put("reserved", l.reserved());
            row.put("deviceSequence", l.deviceSequence());
            row.put("instance", l.instance());
            out.write((count++ == 0 ? "\n" : ",\n") + Json.object(row));
        }

        int count() {
            return count;
        }

        void end() throws IOException {
            out.write("\n]}\n");
        }
    }

    private LeaseFile() {
    }

    static Parsed parse(String text) {
        List<String> errors = new ArrayList<>();
        List<Map<String, Object>> rows = JsonFiles.records(text, FORMAT, "leases", errors);
        List<Lease> leases = new ArrayList<>();
        Set<String> devices = new HashSet<>();
        Set<String> addresses = new HashSet<>();
        for (int i = 0; i < rows.size(); i++) {
            try {
                Lease l = lease(rows.get(i));
                if (!devices.add(l.pool() + " " + l.device().value())) {
                    throw new IllegalArgumentException("device " + l.device() + " has two leases in pool " + l.pool());
                }
                if (!addresses.add(l.pool() + " " + Cidr.format(l.address()))) {
                    throw new IllegalArgumentException("address " + Cidr.format(l.address()) + " is leased twice in pool " + l.pool());
                }
                leases.add(l);
            } catch (RuntimeException e) {
                errors.add("lease #" + (i + 1) + ": " + e.getMessage());
            }
        }
        return new Parsed(List.copyOf(leases), List.copyOf(errors));
    }

    private static Lease lease(Map<String, Object> row) {
        LeaseState state;
        String stateText = JsonFiles.string(row, "state");
        try {
            state = LeaseState.valueOf(stateText.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown state '" + stateText + "', expected locked, bound or released");
        }
        long sequence = JsonFiles.number(row, "sequence");
        if (sequence < 1) {
            throw new IllegalArgumentException("\"sequence\" must be at least 1, got " + sequence);
        }
        Instant expires;
        try {
            expires = Instant.parse(JsonFiles.string(row, "expiresAt"));
        } catch (java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException("\"expiresAt\" must be an ISO-8601 UTC time, e.g. 2026-01-31T12:00:00Z");
        }
        return new Lease(JsonFiles.string(row, "pool"), DeviceId.of(JsonFiles.string(row, "device")),
                Cidr.parseLiteral(JsonFiles.string(row, "address")), state, sequence, expires,
                JsonFiles.string(row, "node"), JsonFiles.bool(row, "reserved"), JsonFiles.number(row, "deviceSequence"),
                JsonFiles.number(row, "instance"));
    }
}
