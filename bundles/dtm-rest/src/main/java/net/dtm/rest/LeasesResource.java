package net.dtm.rest;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import net.dtm.api.AddressPoolAdminService;
import net.dtm.api.AddressPoolService;
import net.dtm.api.Cidr;
import net.dtm.api.DeviceId;
import net.dtm.api.Lease;
import net.dtm.api.LeaseLookup;
import net.dtm.api.LeaseQuery;
import net.dtm.api.LeaseState;
import net.dtm.api.Pool;
import net.dtm.api.http.HttpProblem;
import net.dtm.api.http.HttpResponse;

/**
 * {@code /api/v1/leases}: a page of leases in address order ({@code items} and {@code next}, the
 * {@code after} of the following page, null on the last), one lease by device or address, and the
 * operator's release ({@code lease:list}, {@code lease:show}, {@code lease:release}).
 */
final class LeasesResource {

    static final String PATH = "/api/v1/leases";
    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1000;

    private final Services services;
    private final Clock clock;

    LeasesResource(Services services, Clock clock) {
        this.services = services;
        this.clock = clock;
    }

    List<Route> routes() {
        return List.of(
                Route.get(PATH, this::list),
                Route.get(PATH + "/{pool}/{lease}", this::show),
                Route.delete(PATH + "/{pool}/{lease}", this::release));
    }

    private HttpResponse list(Call call) {
        AddressPoolService service = services.requirePools();
        Optional<String> pool = call.query("pool");
        Optional<DeviceId> device = call.query("device").map(Call::device);
        Optional<LeaseState> state = call.query("state").map(LeasesResource::state);
        Optional<Boolean> expired = call.flag("active").map(active -> !active);
        int limit = call.limit(DEFAULT_LIMIT, MAX_LIMIT);
        Map<String, Pool> byName = new HashMap<>();
        if (pool.isPresent()) {
            Pool p = PoolsResource.pool(service, pool.get());
            byName.put(p.name(), p);
        } else {
            service.pools().forEach(p -> byName.put(p.name(), p));
        }
        InetAddress after = null;
        if (call.query("after").isPresent()) {
            InetAddress a = Call.address(call.query("after").get());
            if (byName.values().stream().noneMatch(p -> p.prefix().contains(a))) {
                throw HttpProblem.badRequest(pool.map(p -> Cidr.format(a) + " (the 'after' address) is outside pool " + p
                        + " (" + byName.get(p).prefix() + ")").orElse("no pool contains " + Cidr.format(a)
                        + " (the 'after' address)"));
            }
            after = a;
        }
        // One more than the page tells whether a next page exists.
        LeaseQuery query = new LeaseQuery(pool, device, state, expired, Optional.ofNullable(after), limit + 1);
        List<Lease> leases = service.leases(query);
        String next = null;
        if (leases.size() > limit) {
            leases = leases.subList(0, limit);
            next = Cidr.format(leases.get(limit - 1).address());
        }
        Instant now = clock.instant();
        List<Map<String, Object>> items = new ArrayList<>();
        for (Lease lease : leases) {
            items.add(Rows.lease(lease, byName.get(lease.pool()), now));
        }
        Map<String, Object> page = new LinkedHashMap<>();
        page.put("items", items);
        page.put("next", next);
        return Json.response(200, page);
    }

    private HttpResponse show(Call call) {
        AddressPoolService service = services.requirePools();
        Pool pool = PoolsResource.pool(service, call.path("pool"));
        Lease lease = find(service, pool, call.path("lease"));
        return Json.response(200, Rows.lease(lease, pool, clock.instant()));
    }

    private HttpResponse release(Call call) {
        AddressPoolAdminService service = services.requirePools();
        Pool pool = PoolsResource.pool(service, call.path("pool"));
        Lease before = find(service, pool, call.path("lease"));
        if (!service.release(pool.name(), before.device())) {
            throw Problems.noLease("device " + before.device() + " has no lease in pool " + pool.name());
        }
        Lease after = service.lease(pool.name(), before.device()).orElse(before);
        Map<String, Object> row = Rows.lease(after, pool, clock.instant());
        row.put("previousState", before.state().name());
        if (before.reserved()) {
            row.put("note", "the address stays reserved for " + before.device() + "; DELETE " + ReservationsResource.PATH + "/"
                    + pool.name() + "/" + before.device() + " ends the reservation");
        }
        return Json.response(200, row);
    }

    /**
     * The lease {@code key} (a device id or an address of the pool) names, as {@code lease:show}:
     * 404 if there is none, 400 if the key is neither.
     */
    static Lease find(AddressPoolService service, Pool pool, String key) {
        Optional<Lease> lease;
        try {
            lease = LeaseLookup.find(service, pool, key);
        } catch (IllegalArgumentException e) {
            throw HttpProblem.badRequest(e.getMessage());
        }
        return lease.orElseThrow(() -> Problems.noLease(LeaseLookup.notFound(pool, key)));
    }

    static LeaseState state(String text) {
        try {
            return LeaseState.valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw HttpProblem.badRequest("unknown lease state '" + text + "', expected one of locked, bound, released");
        }
    }
}
