package net.dtm.shell;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

import net.dtm.api.AddressPoolAdminService;
import net.dtm.api.Pool;
import net.dtm.api.PoolStats;

/** {@code pool:delete}: removes a pool and its leases; refuses while devices hold leases unless forced. */
@Service
@Command(scope = "pool", name = "delete", description = "Deletes a pool and its leases; refuses while the pool has active leases unless --force")
public class PoolDeleteCommand extends PoolCommand {

    @Argument(index = 0, name = "name", required = true, description = "Pool name")
    @Completion(PoolNameCompleter.class)
    String name;

    @Option(name = "-f", aliases = "--force", description = "Delete even though devices hold active leases (their tunnels lose their addresses)")
    boolean force;

    @Reference(optional = true)
    AddressPoolAdminService admin;

    @Override
    String refusal() {
        return "Pool not deleted";
    }

    @Override
    void run() throws Exception {
        AddressPoolAdminService service = require(admin, SERVICE, FEATURE);
        Pool pool = pool(service, name);
        PoolStats stats = service.stats(pool.name());
        long active = stats.locked() + stats.bound();
        long bindings = stats.locked() + stats.bound() + stats.quarantined() + stats.reclaimable();
        if (active > 0 && !force) {
            throw refused(pool.name() + " has " + active + " active lease" + (active == 1 ? "" : "s") + " ("
                    + stats.bound() + " bound, " + stats.locked() + " locked"
                    + (stats.reserved() > 0 ? ", " + stats.reserved() + " reservations in all" : "")
                    + "); use --force to delete it anyway");
        }
        if (!service.deletePool(pool.name())) {
            throw refused("no pool named '" + name + "'");
        }
        out().println("Pool " + pool.name() + " deleted with its " + bindings + " binding" + (bindings == 1 ? "" : "s")
                + " (" + active + " active" + (stats.reserved() > 0 ? ", " + stats.reserved() + " reserved" : "") + ")");
    }
}
