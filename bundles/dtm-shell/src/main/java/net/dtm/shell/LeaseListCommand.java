package net.dtm.shell;

import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

import net.dtm.api.Cidr;
import net.dtm.api.AddressPoolService;
import net.dtm.api.DeviceId;
import net.dtm.api.Lease;
import net.dtm.api.LeaseQuery;
import net.dtm.api.LeaseState;
import net.dtm.api.Pool;

/**
 * {@code lease:list}: one page of leases in address order (pools in name order), filtered by pool,
 * device, state and expiry. When more leases follow, the command line for the next page is printed.
 */
@Service
@Command(scope = "lease", name = "list", description = "Lists leases one page at a time (default 100), in address order; "
        + "filters: pool, device, state, expired or active. Prints the command for the next page when more follow")
public class LeaseListCommand extends PoolCommand {

    static final int DEFAULT_LIMIT = 100;

    @Option(name = "-p", aliases = "--pool", description = "Only this pool")
    @Completion(PoolNameCompleter.class)
    String pool;

    @Option(name = "-d", aliases = "--device", description = "Only this device")
    @Completion(DeviceIdCompleter.class)
    String device;

    @Option(name = "-s", aliases = "--state", description = "Only leases in this state: locked, bound or released")
    @Completion(LeaseStateCompleter.class)
    String state;

    @Option(name = "--expired", description = "Only leases that have expired or were released")
    boolean expired;

    @Option(name = "--active", description = "Only leases still held (not released, not expired)")
    boolean active;

    @Option(name = "-n", aliases = "--limit", description = "Page size, 1..10000 (default 100)")
    int limit = DEFAULT_LIMIT;

    @Option(name = "-a", aliases = "--after", description = "Start after this address (the last one of the previous page)")
    String after;

    @Option(name = "-j", aliases = "--json", description = "Print JSON instead of a table (no next-page line: "
            + "page on with --after and the last address)")
    boolean json;

    @Reference(optional = true)
    AddressPoolService pools;

    @Override
    void run() throws Exception {
        AddressPoolService service = require(pools, SERVICE, FEATURE);
        DeviceId deviceId = device == null ? null : device(device);
        LeaseState leaseState = state == null ? null : state(state);
        if (expired && active) {
            throw refused("--expired and --active exclude each other: give one of them or neither");
        }
        if (limit < 1 || limit > LeaseQuery.MAX_LIMIT) {
            throw refused("--limit " + limit + " is outside 1.." + LeaseQuery.MAX_LIMIT);
        }
        Map<String, Pool> byName = new HashMap<>();
        if (pool != null) {
            Pool p = pool(service, pool);
            byName.put(p.name(), p);
        } else {
            service.pools().forEach(p -> byName.put(p.name(), p));
        }
        InetAddress start = null;
        if (after != null) {
            if (pool != null) {
                start = addressIn(byName.get(pool), after);
            } else {
                InetAddress a = address(after);
                if (byName.values().stream().noneMatch(p -> p.prefix().contains(a))) {
                    throw refused("no pool contains " + Cidr.format(a) + " (the --after address)");
                }
                start = a;
            }
        }
        // One more than the page: tells whether a next page exists without printing a line that leads nowhere.
        int ask = Math.min(limit + 1, LeaseQuery.MAX_LIMIT);
        LeaseQuery query = new LeaseQuery(Optional.ofNullable(pool), Optional.ofNullable(deviceId), Optional.ofNullable(leaseState),
                expired ? Optional.of(true) : active ? Optional.of(false) : Optional.empty(), Optional.ofNullable(start), ask);
        List<Lease> leases = service.leases(query);
        boolean more = leases.size() > limit || (ask == limit && leases.size() == limit);
        if (leases.size() > limit) {
            leases = leases.subList(0, limit);
        }
        Instant now = clock.instant();
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Lease lease : leases) {
            rows.add(PoolRows.lease(lease, byName.get(lease.pool()), now, json));
        }
        if (json) {
            out().println(Json.array(rows));
            return;
        }
        ShellTable table = new ShellTable();
        table.column("Pool");
        table.column("Device");
        table.column("Address");
        table.column("State");
        table.column("Reserved");
        table.column("Sequence").alignRight();
        table.column("Expires");
        table.column("Node");
        table.emptyTableText("no leases");
        for (Map<String, Object> r : rows) {
            table.addRow().addContent(r.get("pool"), r.get("device"), r.get("address"), r.get("state"), r.get("reserved"),
                    r.get("sequence"), r.get("expires"), r.get("node"));
        }
        table.print(out());
        if (more) {
            out().println("More leases follow. Next page: " + nextPage(leases.get(leases.size() - 1).address()));
        }
    }

    /** This command line with {@code --after} the last address shown. */
    String nextPage(InetAddress last) {
        StringBuilder sb = new StringBuilder("lease:list");
        if (pool != null) {
            sb.append(" --pool ").append(pool);
        }
        if (device != null) {
            sb.append(" --device ").append(device);
        }
        if (state != null) {
            sb.append(" --state ").append(state.trim().toLowerCase(Locale.ROOT));
        }
        if (expired) {
            sb.append(" --expired");
        }
        if (active) {
            sb.append(" --active");
        }
        if (limit != DEFAULT_LIMIT) {
            sb.append(" --limit ").append(limit);
        }
        return sb.append(" --after ").append(Cidr.format(last)).toString();
    }

    private LeaseState state(String text) throws org.apache.karaf.shell.support.CommandException {
        try {
            return LeaseState.valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw refused("unknown lease state '" + text + "', expected one of locked, bound, released");
        }
    }
}
