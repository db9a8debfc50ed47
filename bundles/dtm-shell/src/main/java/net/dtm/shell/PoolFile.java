package net.dtm.shell;

import java.io.IOException;
import java.io.Writer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import net.dtm.api.AddressRange;
import net.dtm.api.Cidr;
import net.dtm.api.Pool;
import net.dtm.api.TunnelType;

/**
 * The pool file of {@code pool:export} and {@code pool:import}: JSON
 * {@code {"format":"dtm-pools/1","exportedAt":..,"pools":[{"name","prefix","leaseSeconds",
 * "delegatedLength","exclude":[ranges],"devices":[patterns],"tunnelTypes":[names]}]}}, the fields
 * of {@code POST /api/v1/pools}.
 */
final class PoolFile {

    static final String FORMAT = "dtm-pools/1";

    /** The pools of a file, or what is wrong with it. */
    record Parsed(List<Pool> pools, List<String> errors) {
    }

    private PoolFile() {
    }

    static void write(List<Pool> pools, Writer out) throws IOException {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Pool p : pools) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("name", p.name());
            row.put("prefix", p.prefix().toString());
            row.put("leaseSeconds", p.leaseSeconds());
            row.put("delegatedLength", p.delegatedLength());
            row.put("exclude", p.excluded().stream().map(AddressRange::toString).toList());
            row.put("devices", p.devicePatterns());
            row.put("tunnelTypes", p.tunnelTypes().stream().map(t -> t.name().toLowerCase(java.util.Locale.ROOT)).toList());
            rows.add(row);
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("format", FORMAT);
        doc.put("exportedAt", Instant.now().toString());
        doc.put("pools", rows);
        out.write(Json.object(doc) + "\n");
    }

    static Parsed parse(String text) {
        List<String> errors = new ArrayList<>();
        List<Map<String, Object>> rows = JsonFiles.records(text, FORMAT, "pools", errors);
        List<Pool> pools = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            try {
                Pool p = pool(rows.get(i));
                for (Pool q : pools) {
                    if (q.name().equals(p.name())) {
                        throw new IllegalArgumentException("pool " + p.name() + " appears twice");
                    }
                    if (q.prefix().overlaps(p.prefix())) {
                        throw new IllegalArgumentException("pool " + p.name() + ": prefix " + p.prefix() + " overlaps pool "
                                + q.name() + " (" + q.prefix() + ")");
                    }
                }
                pools.add(p);
            } catch (RuntimeException e) {
                errors.add("pool #" + (i + 1) + ": " + e.getMessage());
            }
        }
        return new Parsed(List.copyOf(pools), List.copyOf(errors));
    }

    private static Pool pool(Map<String, Object> row) {
        Cidr prefix = Cidr.parse(JsonFiles.string(row, "prefix"));
        Object delegated = row.get("delegatedLength");
        List<AddressRange> excluded = new ArrayList<>();
        JsonFiles.strings(row, "exclude").forEach(r -> excluded.add(AddressRange.parse(r)));
        Set<TunnelType> types = EnumSet.noneOf(TunnelType.class);
        JsonFiles.strings(row, "tunnelTypes").forEach(t -> types.add(TunnelType.parse(t)));
        return new Pool(JsonFiles.string(row, "name"), prefix, JsonFiles.integer(row, "leaseSeconds"),
                delegated == null ? prefix.addressBits() : JsonFiles.integer(row, "delegatedLength"), excluded,
                JsonFiles.strings(row, "devices"), types);
    }
}
