package net.dtm.rest;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.databind.node.ObjectNode;

import net.dtm.api.AddressPoolAdminService;
import net.dtm.api.DeviceCredential;
import net.dtm.api.DeviceId;
import net.dtm.api.DeviceService;
import net.dtm.api.Durations;
import net.dtm.api.Lease;
import net.dtm.api.Pool;
import net.dtm.api.http.HttpProblem;
import net.dtm.api.http.HttpResponse;

/**
 * {@code /api/v1/devices}: a page of devices (by id, with a substring search), enrol one (a generated
 * key is answered this once; a supplied key is never echoed), bulk enrolment ({@link DeviceBulk}),
 * show, remove (its leases released in every pool, as {@code device:remove}), re-key, disable and
 * enable. A device's key appears only in the answer that made it.
 */
final class DevicesResource {

    static final String PATH = "/api/v1/devices";
    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1000;

    private final Services services;
    private final DeviceBulk bulk;

    DevicesResource(Services services) {
        this.services = services;
        this.bulk = new DeviceBulk();
    }

    List<Route> routes() {
        return List.of(
                Route.get(PATH, this::list),
                Route.post(PATH, this::enrol),
                Route.post(PATH + "/bulk", c -> Json.response(200, bulk.enrol(services.requireDevices(), c.request()))),
                Route.get(PATH + "/{id}", c -> Json.response(200, Rows.device(device(services.requireDevices(), c)))),
                Route.delete(PATH + "/{id}", this::remove),
                Route.post(PATH + "/{id}/rekey", this::rekey),
                Route.post(PATH + "/{id}/disable", c -> switchDisabled(c, true)),
                Route.post(PATH + "/{id}/enable", c -> switchDisabled(c, false)));
    }

    private HttpResponse list(Call call) {
        DeviceService service = services.requireDevices();
        String search = call.query("search").map(s -> s.toLowerCase(Locale.ROOT)).orElse(null);
        String after = call.query("after").orElse(null);
        int limit = call.limit(DEFAULT_LIMIT, MAX_LIMIT);
        List<DeviceCredential> matching = service.devices().stream()
                .filter(d -> search == null || d.device().value().toLowerCase(Locale.ROOT).contains(search))
                .filter(d -> after == null || d.device().value().compareTo(after) > 0)
                .sorted(Comparator.comparing(DeviceCredential::device))
                .limit(limit + 1L)
                .toList();
        String next = null;
        if (matching.size() > limit) {
            matching = matching.subList(0, limit);
            next = matching.get(limit - 1).device().value();
        }
        Map<String, Object> page = new LinkedHashMap<>();
        page.put("items", matching.stream().map(Rows::device).toList());
        page.put("next", next);
        return Json.response(200, page);
    }

    private HttpResponse enrol(Call call) {
        DeviceService service = services.requireDevices();
        ObjectNode body = Json.object(call.request(), Set.of("id", "key"));
        DeviceId id = Call.device(Json.requiredText(body, "id"));
        String hex = Json.text(body, "key");
        byte[] key = hex == null ? null : key(hex, "Device not enrolled");
        if (service.device(id).isPresent()) {
            throw new HttpProblem(409, "Device not enrolled", "device " + id + " is already enrolled");
        }
        DeviceCredential c;
        try {
            c = key == null ? service.enroll(id) : service.enroll(id, key);
        } catch (IllegalArgumentException e) {
            throw new HttpProblem(409, "Device not enrolled", e.getMessage());
        }
        return Json.response(201, withKey(c, key != null), Map.of("Location", PATH + "/" + c.device().value()));
    }

    /** {@code id} and, for a generated key, {@code key} (shown this once); a supplied key is not echoed. */
    static Map<String, Object> withKey(DeviceCredential c, boolean supplied) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", c.device().value());
        if (supplied) {
            row.put("keySupplied", true);
        } else {
            row.put("key", c.keyHex());
        }
        return row;
    }

    private HttpResponse remove(Call call) {
        DeviceService service = services.requireDevices();
        DeviceCredential device = device(service, call);
        DeviceId id = device.device();
        if (!service.remove(id)) {
            throw Problems.noDevice(id);
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("id", id.value());
        result.put("removed", true);
        List<Map<String, Object>> released = new ArrayList<>();
        List<Map<String, Object>> failed = new ArrayList<>();
        Optional<AddressPoolAdminService> pools = services.pools().get();
        for (Pool pool : pools.map(AddressPoolAdminService::pools).orElse(List.of())) {
            try {
                Optional<Lease> lease = pools.get().lease(pool.name(), id);
                if (lease.isEmpty()) {
                    continue;
                }
                if (lease.get().reserved()) {
                    pools.get().unreserve(pool.name(), id);
                }
                pools.get().release(pool.name(), id);
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("pool", pool.name());
                r.put("address", pool.describe(lease.get().address()));
                r.put("reservationEnded", lease.get().reserved());
                released.add(r);
            } catch (RuntimeException e) {
                Map<String, Object> f = new LinkedHashMap<>();
                f.put("pool", pool.name());
                f.put("reason", e.getMessage() + " (DELETE " + LeasesResource.PATH + "/" + pool.name() + "/" + id + " later)");
                failed.add(f);
            }
        }
        result.put("released", released);
        result.put("notReleased", failed);
        result.put("note", pools.isPresent() ? null : "its leases were not released: the address pool service is not "
                + "available on this node (release them where it is)");
        return Json.response(200, result);
    }

    private HttpResponse rekey(Call call) {
        DeviceService service = services.requireDevices();
        DeviceId id = device(service, call).device();
        String overlapText = "0";
        byte[] key = null;
        if (call.request().body().length > 0) {
            ObjectNode body = Json.object(call.request(), Set.of("overlap", "key"));
            overlapText = Optional.ofNullable(Json.text(body, "overlap")).orElse("0");
            String hex = Json.text(body, "key");
            key = hex == null ? null : key(hex, "Device not re-keyed");
        }
        Duration overlap;
        try {
            overlap = Durations.parse(overlapText);
        } catch (IllegalArgumentException e) {
            throw new HttpProblem(400, "Device not re-keyed", "overlap: " + e.getMessage());
        }
        DeviceCredential c;
        try {
            c = key == null ? service.rekey(id, overlap) : service.rekey(id, key, overlap);
        } catch (IllegalArgumentException e) {
            throw new HttpProblem(409, "Device not re-keyed", e.getMessage());
        }
        Map<String, Object> row = withKey(c, key != null);
        row.put("previousKeyUntil", overlap.isZero() || c.previousKeyUntil() == null ? null : c.previousKeyUntil().toString());
        return Json.response(200, row);
    }

    private HttpResponse switchDisabled(Call call, boolean disable) {
        DeviceService service = services.requireDevices();
        DeviceId id = device(service, call).device();
        boolean changed;
        try {
            changed = disable ? service.disable(id) : service.enable(id);
        } catch (IllegalArgumentException e) {
            throw new HttpProblem(404, "Device not found", e.getMessage());
        }
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", id.value());
        row.put("disabled", disable);
        row.put("changed", changed);
        return Json.response(200, row);
    }

    private static DeviceCredential device(DeviceService service, Call call) {
        DeviceId id = Call.device(call.path("id"));
        return service.device(id).orElseThrow(() -> Problems.noDevice(id));
    }

    private static byte[] key(String hex, String refusal) {
        try {
            return DeviceCredential.parseKey(hex);
        } catch (IllegalArgumentException e) {
            throw new HttpProblem(400, refusal, e.getMessage());
        }
    }
}
