package net.dtm.rest;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.dtm.api.DeviceCredential;
import net.dtm.api.DeviceId;
import net.dtm.api.DeviceService;
import net.dtm.api.http.HttpProblem;
import net.dtm.api.http.HttpRequest;

/**
 * Bulk enrolment from {@code text/csv} ({@code id[,hexkey]} per line, {@code #} comments, blank lines,
 * an optional header {@code id,key}) or {@code application/json} ({@code [{"id":..,"key":..}]}).
 * Every entry is checked first: one malformed entry (bad id, bad key, an id twice) and nothing is
 * enrolled, the 400 lists every bad line. Then each is enrolled; one already enrolled is reported
 * in {@code refused} and the rest go on. Generated keys are answered this once and never logged.
 */
final class DeviceBulk {

    private static final Logger LOG = LoggerFactory.getLogger(DeviceBulk.class);
    /** A progress line every this many devices. */
    static final int PROGRESS_EVERY = 1000;
    /** At most this many bad lines are named in the 400 (their count is always given). */
    static final int MAX_REPORTED = 50;

    /** One entry: its line (CSV) or position (JSON, from 1), id and key (null: generate one). */
    record Entry(int line, DeviceId id, byte[] key) {
    }

    private record Bad(int line, String reason) {
    }

    /** Parses, validates and enrols; the answer's {@code enrolled} and {@code refused} lists. */
    Map<String, Object> enrol(DeviceService service, HttpRequest request) {
        List<Entry> entries = parse(request);
        List<Map<String, Object>> enrolled = new ArrayList<>();
        List<Map<String, Object>> refused = new ArrayList<>();
        int done = 0;
        for (Entry e : entries) {
            try {
                if (service.device(e.id()).isPresent()) {
                    refused.add(refusal(e, "device " + e.id() + " is already enrolled"));
                } else {
                    DeviceCredential c = e.key() == null ? service.enroll(e.id()) : service.enroll(e.id(), e.key());
                    enrolled.add(DevicesResource.withKey(c, e.key() != null));
                }
            } catch (IllegalArgumentException ex) {
                refused.add(refusal(e, ex.getMessage()));
            }
            if (++done % PROGRESS_EVERY == 0) {
                LOG.info("Bulk enrolment: {} of {} devices done ({} enrolled, {} refused)", done, entries.size(),
                        enrolled.size(), refused.size());
            }
        }
        LOG.info("Bulk enrolment finished: {} enrolled, {} refused of {}", enrolled.size(), refused.size(), entries.size());
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("enrolled", enrolled);
        result.put("refused", refused);
        return result;
    }

    private static Map<String, Object> refusal(Entry e, String reason) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("line", e.line());
        r.put("id", e.id().value());
        r.put("reason", reason);
        return r;
    }

    /**
     * The request's entries, all valid.
     *
     * @throws HttpProblem 415 for another content type, 400 for an empty list or listing every bad line
     */
    static List<Entry> parse(HttpRequest request) {
        String type = request.header("Content-Type").orElse("").toLowerCase(Locale.ROOT);
        List<Entry> entries = new ArrayList<>();
        List<Bad> bad = new ArrayList<>();
        if (type.startsWith("text/csv")) {
            csv(request.bodyText(), entries, bad);
        } else if (type.startsWith("application/json")) {
            json(Json.body(request), entries, bad);
        } else {
            throw new HttpProblem(415, "Unsupported media type", "bulk enrolment takes text/csv (id[,hexkey] per line) "
                    + "or application/json ([{\"id\":..,\"key\":..}]), not '" + (type.isEmpty() ? "no content type" : type) + "'");
        }
        duplicates(entries, bad);
        if (!bad.isEmpty()) {
            bad.sort((a, b) -> Integer.compare(a.line(), b.line()));
            StringBuilder detail = new StringBuilder("nothing enrolled: " + bad.size() + " bad line" + (bad.size() == 1 ? "" : "s"));
            for (Bad b : bad.subList(0, Math.min(MAX_REPORTED, bad.size()))) {
                detail.append("; line ").append(b.line()).append(": ").append(b.reason());
            }
            if (bad.size() > MAX_REPORTED) {
                detail.append("; ... and ").append(bad.size() - MAX_REPORTED).append(" more");
            }
            throw new HttpProblem(400, "Devices not enrolled", detail.toString());
        }
        if (entries.isEmpty()) {
            throw new HttpProblem(400, "Devices not enrolled", "no devices in the request");
        }
        return entries;
    }

    private static void csv(String text, List<Entry> entries, List<Bad> bad) {
        String[] lines = text.split("\r?\n|\r", -1);
        boolean first = true;
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] fields = line.split(",", -1);
            if (first && header(fields)) {
                first = false;
                continue;
            }
            first = false;
            if (fields.length > 2) {
                bad.add(new Bad(i + 1, "expected id[,hexkey], got " + fields.length + " fields"));
                continue;
            }
            entry(i + 1, fields[0].strip(), fields.length == 2 && !fields[1].isBlank() ? fields[1].strip() : null,
                    entries, bad);
        }
    }

    private static boolean header(String[] fields) {
        return fields[0].strip().equalsIgnoreCase("id") && (fields.length == 1
                || fields.length == 2 && fields[1].strip().equalsIgnoreCase("key"));
    }

    private static void json(JsonNode body, List<Entry> entries, List<Bad> bad) {
        if (!body.isArray()) {
            throw HttpProblem.badRequest("the body must be a JSON array of {\"id\":..,\"key\":..}, got " + Json.kind(body));
        }
        int n = 0;
        for (JsonNode item : body) {
            n++;
            try {
                ObjectNode o = Json.object(item, Set.of("id", "key"), "entry " + n);
                entry(n, Json.requiredText(o, "id"), Json.text(o, "key"), entries, bad);
            } catch (HttpProblem e) {
                bad.add(new Bad(n, e.detail()));
            }
        }
    }

    private static void entry(int line, String id, String hex, List<Entry> entries, List<Bad> bad) {
        DeviceId device;
        try {
            device = DeviceId.of(id);
        } catch (IllegalArgumentException e) {
            bad.add(new Bad(line, e.getMessage()));
            return;
        }
        byte[] key = null;
        if (hex != null) {
            try {
                key = DeviceCredential.parseKey(hex);
            } catch (IllegalArgumentException e) {
                bad.add(new Bad(line, "device " + device + ": " + e.getMessage()));
                return;
            }
        }
        entries.add(new Entry(line, device, key));
    }

    private static void duplicates(List<Entry> entries, List<Bad> bad) {
        Map<DeviceId, Integer> firstLine = new HashMap<>();
        for (Entry e : entries) {
            Integer earlier = firstLine.putIfAbsent(e.id(), e.line());
            if (earlier != null) {
                bad.add(new Bad(e.line(), "device " + e.id() + " appears again (first on line " + earlier + ")"));
            }
        }
    }
}
