package net.dtm.vendor.linux;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import net.dtm.spi.config.ConfigException;

/**
 * Whether the kernel has a module, without changing anything: loaded or built in (it then shows
 * under {@code /sys/module}; every tunnel module has parameters or a version, so built-in ones are
 * listed too), or loadable on demand ({@code modprobe -n -q} finds it; the kernel loads it itself
 * when the first link of its kind is created). Answers are kept for the session.
 */
final class KernelModules {

    private final LinuxHost host;
    private final Path sysModule;
    private final Map<String, Boolean> known = new HashMap<>();

    KernelModules(LinuxHost host, Path sysModule) {
        this.host = host;
        this.sysModule = sysModule;
    }

    /** True if {@code module} (its name as under {@code /sys/module}, e.g. {@code ip_gre}) is or can be in the kernel. */
    boolean available(String module) throws ConfigException {
        Boolean answer = known.get(module);
        if (answer == null) {
            answer = Files.isDirectory(sysModule.resolve(module))
                    || host.installed(Tool.MODPROBE) && host.run(Tool.MODPROBE, List.of("-n", "-q", module)).exitCode() == 0;
            known.put(module, answer);
        }
        return answer;
    }
}
