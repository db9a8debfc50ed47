package net.dtm.shell;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

import net.dtm.api.Cidr;
import net.dtm.api.AddressPoolAdminService;
import net.dtm.api.AddressRange;
import net.dtm.api.Pool;
import net.dtm.api.TunnelType;

/** {@code pool:create}: adds an address pool, or an IPv6 prefix-delegation pool. */
@Service
@Command(scope = "pool", name = "create", description = "Creates an address pool: prefix, lease time, delegated prefix length, "
        + "excluded ranges and the devices and tunnel types it serves")
public class PoolCreateCommand extends PoolCommand {

    @Argument(index = 0, name = "name", required = true, description = "Pool name (A-Z a-z 0-9 . _ -)")
    String name;

    @Argument(index = 1, name = "prefix", required = true, description = "Address prefix, e.g. 10.65.0.0/16 or 2001:db8:100::/48")
    String prefix;

    @Option(name = "--lease", aliases = {"-l", "--lease-seconds"}, description = "Lease time in seconds (60..604800, default 3600)")
    int leaseSeconds = 3600;

    @Option(name = "--delegate", description = "IPv6 only: hand each device a prefix of this length (e.g. 64) instead of one address")
    Integer delegate;

    @Option(name = "--exclude", multiValued = true, description = "Range never handed out dynamically: first-last, a prefix "
            + "or one address; repeat the option or separate with commas")
    List<String> exclude;

    @Option(name = "--devices", multiValued = true, description = "Serve only devices whose id matches one of these patterns "
            + "(* and ? wildcards); repeat or separate with commas. Default: every device")
    @Completion(DeviceIdCompleter.class)
    List<String> devices;

    @Option(name = "--types", multiValued = true, description = "Serve only these tunnel types, e.g. vxlan,gre. Default: every type")
    @Completion(TunnelTypeCompleter.class)
    List<String> types;

    @Reference(optional = true)
    AddressPoolAdminService admin;

    @Override
    String refusal() {
        return "Pool not created";
    }

    @Override
    void run() throws Exception {
        AddressPoolAdminService service = require(admin, SERVICE, FEATURE);
        Pool pool;
        try {
            pool = Pool.of(name, prefix, leaseSeconds);
            if (delegate != null) {
                pool = pool.withDelegatedLength(delegate);
            }
            List<AddressRange> ranges = new ArrayList<>();
            for (String r : items(exclude)) {
                ranges.add(AddressRange.parse(r));
            }
            Set<TunnelType> tunnelTypes = EnumSet.noneOf(TunnelType.class);
            for (String t : items(types)) {
                tunnelTypes.add(TunnelType.parse(t));
            }
            pool = pool.withExcluded(ranges).withDevicePatterns(items(devices)).withTunnelTypes(tunnelTypes);
        } catch (IllegalArgumentException e) {
            throw refused(e.getMessage());
        }
        Pool created;
        try {
            created = service.createPool(pool);
        } catch (IllegalArgumentException e) {
            throw refused(e.getMessage());
        }
        String what = created.delegatesPrefixes() ? "/" + created.delegatedLength() + " prefixes" : "addresses";
        long excluded = created.excludedCount();
        out().println("Pool " + created.name() + " created: " + created.prefix().toString() + " hands out " + what + ", lease time "
                + created.leaseSeconds() + " s, " + created.capacity() + " " + what
                + (excluded > 0 ? " (" + excluded + " excluded)" : "") + ", serves " + PoolRows.selection(created));
    }
}
