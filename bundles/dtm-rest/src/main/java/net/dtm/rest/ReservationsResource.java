package net.dtm.rest;

import java.math.BigInteger;
import java.net.InetAddress;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.databind.node.ObjectNode;

import net.dtm.api.AddressPoolAdminService;
import net.dtm.api.Cidr;
import net.dtm.api.DeviceId;
import net.dtm.api.Lease;
import net.dtm.api.Pool;
import net.dtm.api.http.HttpProblem;
import net.dtm.api.http.HttpResponse;

/**
 * {@code /api/v1/reservations/{pool}/{device}}: PUT reserves an address for a device, DELETE turns the
 * reservation back into an ordinary lease ({@code lease:reserve}, {@code lease:reserve --remove}).
 */
final class ReservationsResource {

    static final String PATH = "/api/v1/reservations";

    private final Services services;
    private final Clock clock;

    ReservationsResource(Services services, Clock clock) {
        this.services = services;
        this.clock = clock;
    }

    List<Route> routes() {
        return List.of(
                Route.put(PATH + "/{pool}/{device}", this::reserve),
                Route.delete(PATH + "/{pool}/{device}", this::unreserve));
    }

    private HttpResponse reserve(Call call) {
        AddressPoolAdminService service = services.requirePools();
        ObjectNode body = Json.object(call.request(), Set.of("address"));
        Pool pool = PoolsResource.pool(service, call.path("pool"));
        DeviceId device = Call.device(call.path("device"));
        InetAddress address = Call.address(Json.requiredText(body, "address"));
        if (!pool.prefix().contains(address)) {
            throw new HttpProblem(400, "Address not reserved", Cidr.format(address) + " is outside pool " + pool.name()
                    + " (" + pool.prefix() + ")");
        }
        if (!pool.isAssignable(address)) {
            throw new HttpProblem(400, "Address not reserved", Cidr.format(address) + " cannot be handed out in pool "
                    + pool.name() + ": " + whyNot(pool, address));
        }
        Optional<Lease> before = service.lease(pool.name(), device);
        Lease reserved;
        try {
            reserved = service.reserve(pool.name(), device, address);
        } catch (IllegalArgumentException e) {
            throw new HttpProblem(409, "Address not reserved", e.getMessage());
        }
        Map<String, Object> row = Rows.lease(reserved, pool, clock.instant());
        row.put("gaveUp", before.filter(l -> !l.address().equals(reserved.address()))
                .map(l -> pool.describe(l.address())).orElse(null));
        return Json.response(200, row);
    }

    private HttpResponse unreserve(Call call) {
        AddressPoolAdminService service = services.requirePools();
        Pool pool = PoolsResource.pool(service, call.path("pool"));
        DeviceId device = Call.device(call.path("device"));
        if (!service.unreserve(pool.name(), device)) {
            throw new HttpProblem(404, "Reservation not found", "device " + device + " has no reservation in pool "
                    + pool.name());
        }
        Lease after = service.lease(pool.name(), device).orElse(null);
        return after == null ? HttpResponse.noContent() : Json.response(200, Rows.lease(after, pool, clock.instant()));
    }

    /** Why {@code a}, inside the pool, cannot be handed out (the shell's wording). */
    static String whyNot(Pool p, InetAddress a) {
        if (a.equals(p.prefix().network())) {
            return "it is the network address";
        }
        if (a.equals(p.gateway())) {
            return "it is the gateway";
        }
        BigInteger block = p.prefix().bigOffsetOf(a).shiftRight(p.prefix().addressBits() - p.delegatedLength());
        boolean inside = block.compareTo(BigInteger.valueOf(p.firstHostOffset())) >= 0
                && block.compareTo(BigInteger.valueOf(p.endHostOffset())) < 0;
        if (p.delegatesPrefixes() && inside) {
            return "it is not the start of a /" + p.delegatedLength() + " prefix";
        }
        if (p.prefix().isIpv4() && block.equals(BigInteger.valueOf(p.endHostOffset()))) {
            return "it is the broadcast address";
        }
        return "it lies outside the pool's assignable blocks (" + p.describe(p.addressAt(p.firstHostOffset())) + " to "
                + p.describe(p.addressAt(p.endHostOffset() - 1)) + ")";
    }
}
