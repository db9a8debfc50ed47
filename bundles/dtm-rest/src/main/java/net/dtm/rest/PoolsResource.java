package net.dtm.rest;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.node.ObjectNode;

import net.dtm.api.AddressPoolAdminService;
import net.dtm.api.AddressPoolService;
import net.dtm.api.AddressRange;
import net.dtm.api.DtmException;
import net.dtm.api.Pool;
import net.dtm.api.PoolStats;
import net.dtm.api.TunnelType;
import net.dtm.api.http.HttpProblem;
import net.dtm.api.http.HttpResponse;

/**
 * {@code /api/v1/pools}: list, create, show, delete (refused while devices hold active leases
 * unless {@code force=true}, as {@code pool:delete}) and stats.
 */
final class PoolsResource {

    static final String PATH = "/api/v1/pools";
    static final int DEFAULT_LEASE_SECONDS = 3600;
    private static final Set<String> CREATE_FIELDS = Set.of("name", "prefix", "leaseSeconds", "delegatedLength", "exclude",
            "devices", "tunnelTypes");

    private final Services services;

    PoolsResource(Services services) {
        this.services = services;
    }

    List<Route> routes() {
        return List.of(
                Route.get(PATH, c -> list()),
                Route.post(PATH, this::create),
                Route.get(PATH + "/{name}", c -> show(c.path("name"))),
                Route.delete(PATH + "/{name}", this::delete),
                Route.get(PATH + "/{name}/stats", c -> Json.response(200, Rows.stats(stats(c.path("name"))))));
    }

    private HttpResponse list() {
        List<Map<String, Object>> items = new ArrayList<>();
        for (PoolStats stats : allStats(services.requirePools())) {
            Map<String, Object> row = Rows.pool(stats.pool());
            row.put("stats", Rows.stats(stats));
            items.add(row);
        }
        return Json.response(200, Map.of("items", items));
    }

    /** Every pool's stats, by name; a pool deleted meanwhile is left out. */
    static List<PoolStats> allStats(AddressPoolService service) {
        List<PoolStats> out = new ArrayList<>();
        for (Pool pool : service.pools()) {
            try {
                out.add(service.stats(pool.name()));
            } catch (DtmException e) {
                if (e.reason() != DtmException.Reason.NO_POOL) {
                    throw e;
                }
            }
        }
        return out;
    }

    private HttpResponse show(String name) {
        Pool pool = pool(services.requirePools(), name);
        Map<String, Object> row = Rows.pool(pool);
        row.put("stats", Rows.stats(stats(name)));
        return Json.response(200, row);
    }

    private PoolStats stats(String name) {
        AddressPoolService service = services.requirePools();
        Pool pool = pool(service, name);
        try {
            return service.stats(pool.name());
        } catch (DtmException e) {
            if (e.reason() == DtmException.Reason.NO_POOL) {
                throw Problems.noPool(name);
            }
            throw e;
        }
    }

    private HttpResponse create(Call call) {
        AddressPoolAdminService service = services.requirePools();
        Pool pool = parse(Json.object(call.request(), CREATE_FIELDS));
        Pool created;
        try {
            created = service.createPool(pool);
        } catch (IllegalArgumentException e) {
            // the name exists or the prefix overlaps another pool: the request conflicts with the pools there are
            throw new HttpProblem(409, "Pool not created", e.getMessage());
        }
        Map<String, Object> row = Rows.pool(created);
        return Json.response(201, row, Map.of("Location", PATH + "/" + created.name()));
    }

    /** A pool from the create body. @throws HttpProblem 400 with the pool's own validation message */
    static Pool parse(ObjectNode body) {
        String name = Json.requiredText(body, "name");
        String prefix = Json.requiredText(body, "prefix");
        Integer lease = Json.integer(body, "leaseSeconds");
        Integer delegated = Json.integer(body, "delegatedLength");
        List<String> exclude = Json.strings(body, "exclude");
        List<String> devices = Json.strings(body, "devices");
        List<String> types = Json.strings(body, "tunnelTypes");
        try {
            Pool pool = Pool.of(name, prefix, lease == null ? DEFAULT_LEASE_SECONDS : lease);
            if (delegated != null && delegated != pool.delegatedLength()) {
                pool = pool.withDelegatedLength(delegated);
            }
            List<AddressRange> ranges = new ArrayList<>();
            for (String r : exclude) {
                ranges.add(AddressRange.parse(r));
            }
            Set<TunnelType> tunnelTypes = EnumSet.noneOf(TunnelType.class);
            for (String t : types) {
                tunnelTypes.add(TunnelType.parse(t));
            }
            return pool.withExcluded(ranges).withDevicePatterns(devices).withTunnelTypes(tunnelTypes);
        } catch (IllegalArgumentException e) {
            throw new HttpProblem(400, "Pool not created", e.getMessage());
        }
    }

    private HttpResponse delete(Call call) {
        AddressPoolAdminService service = services.requirePools();
        String name = call.path("name");
        boolean force = call.flag("force").orElse(false);
        Pool pool = pool(service, name);
        PoolStats stats = stats(name);
        long active = stats.locked() + stats.bound();
        long bindings = active + stats.quarantined() + stats.reclaimable();
        if (active > 0 && !force) {
            throw new HttpProblem(409, "Pool not deleted", pool.name() + " has " + active + " active lease"
                    + (active == 1 ? "" : "s") + " (" + stats.bound() + " bound, " + stats.locked() + " locked"
                    + (stats.reserved() > 0 ? ", " + stats.reserved() + " reservations in all" : "")
                    + "); use force=true to delete it anyway");
        }
        if (!service.deletePool(pool.name())) {
            throw Problems.noPool(name);
        }
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("deleted", pool.name());
        row.put("bindings", bindings);
        row.put("active", active);
        row.put("reserved", stats.reserved());
        return Json.response(200, row);
    }

    static Pool pool(AddressPoolService service, String name) {
        return service.pool(name).orElseThrow(() -> Problems.noPool(name));
    }
}
