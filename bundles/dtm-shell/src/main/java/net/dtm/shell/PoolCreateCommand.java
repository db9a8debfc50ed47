package net.dtm.shell;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.CommandException;

import net.dtm.api.AddressPoolAdminService;
import net.dtm.api.Pool;

/** {@code pool:create}: adds an address pool. */
@Service
@Command(scope = "pool", name = "create", description = "Creates an address pool")
public class PoolCreateCommand extends DtmCommand {

    @Argument(index = 0, name = "name", required = true, description = "Pool name (A-Z a-z 0-9 . _ -)")
    String name;

    @Argument(index = 1, name = "prefix", required = true, description = "Address prefix, e.g. 10.65.0.0/16")
    String prefix;

    @Option(name = "--lease-seconds", description = "Lease time in seconds (60..604800)")
    int leaseSeconds = 3600;

    @Reference(optional = true)
    AddressPoolAdminService admin;

    @Override
    public Object execute() throws Exception {
        AddressPoolAdminService service = require(admin, "The address pool service", "dtm-server");
        Pool pool;
        try {
            pool = Pool.of(name, prefix, leaseSeconds);
        } catch (IllegalArgumentException e) {
            throw new CommandException("Pool not created: " + e.getMessage());
        }
        Pool created;
        try {
            created = service.createPool(pool);
        } catch (IllegalArgumentException e) {
            throw new CommandException("Pool not created: " + e.getMessage());
        }
        out().println("Pool " + created.name() + " created: " + created.prefix() + ", lease time "
                + created.leaseSeconds() + " s, " + created.capacity() + " addresses");
        return null;
    }
}
