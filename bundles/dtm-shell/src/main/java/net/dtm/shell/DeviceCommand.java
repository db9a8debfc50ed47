package net.dtm.shell;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;

import net.dtm.api.DeviceId;
import net.dtm.api.DeviceService;

/**
 * Common plumbing of the commands that change an enrolled device: its id argument (completed),
 * the registry, and the registry's refusals (an unknown device, a bad argument) as one-line
 * errors starting with {@link #refusal()}.
 */
abstract class DeviceCommand extends DtmCommand {

    static final String SERVICE = "The device registry";
    static final String FEATURE = "dtm-server";

    @Argument(index = 0, name = "id", required = true, description = "Device id")
    @Completion(DeviceIdCompleter.class)
    String id;

    @Reference(optional = true)
    DeviceService devices;

    /** The command's work on an existing registry and a well-formed id. */
    abstract void run(DeviceService service, DeviceId device) throws Exception;

    @Override
    public final Object execute() throws Exception {
        return auditedRun(() -> {
            DeviceService service = require(devices, SERVICE, FEATURE);
            run(service, DeviceId.of(id));
        });
    }
}
