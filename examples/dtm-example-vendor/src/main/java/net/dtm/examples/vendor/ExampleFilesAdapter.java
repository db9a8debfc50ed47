package net.dtm.examples.vendor;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import net.dtm.spi.config.AddressingBehaviour;
import net.dtm.spi.config.Behaviour;
import net.dtm.spi.config.ConfigException;
import net.dtm.spi.config.ConfigSession;
import net.dtm.spi.config.DeviceTarget;
import net.dtm.spi.config.LinkSettingsBehaviour;
import net.dtm.spi.config.RouteBehaviour;
import net.dtm.spi.config.TunnelInterfaceBehaviour;
import net.dtm.spi.config.VendorAdapter;

/**
 * Vendor adapter for the EXR, an example router configured by files: the device is a directory on
 * this machine (target option {@value #OPTION_ROOT}, otherwise the adapter's default), one file per
 * tunnel interface. It offers no {@link net.dtm.spi.config.CommitConfirmBehaviour}: the EXR has no
 * rollback timer of its own, so the core's timer and snapshot roll back.
 */
public final class ExampleFilesAdapter implements VendorAdapter {

    /** The vendor name, {@value}. */
    public static final String VENDOR = "example-files";
    /** The models it serves, {@value}. */
    public static final String MODELS = "EXR-*";
    /** Target option: the router's configuration directory. */
    public static final String OPTION_ROOT = "root";

    private final Path defaultRoot;
    private final Map<Class<? extends Behaviour>, Behaviour> behaviours;
    private final Map<Path, Object> writeLocks = new ConcurrentHashMap<>();

    /** @param defaultRoot the directory of a target that names none */
    public ExampleFilesAdapter(Path defaultRoot) {
        this.defaultRoot = Objects.requireNonNull(defaultRoot, "defaultRoot");
        ExrCommands commands = new ExrCommands();
        this.behaviours = Map.of(
                TunnelInterfaceBehaviour.class, commands,
                AddressingBehaviour.class, commands,
                RouteBehaviour.class, commands,
                LinkSettingsBehaviour.class, commands);
    }

    @Override
    public String vendor() {
        return VENDOR;
    }

    @Override
    public <B extends Behaviour> Optional<B> behaviour(Class<B> type) {
        return Optional.ofNullable(behaviours.get(type)).map(type::cast);
    }

    /**
     * A session on the target's directory, created if it does not exist yet.
     *
     * @throws ConfigException for a remote target, an unknown option, or a directory that cannot be created
     */
    @Override
    public ConfigSession open(DeviceTarget target) throws ConfigException {
        if (!target.isLocal()) {
            throw new ConfigException("the EXR is configured through a folder on this machine; host must be empty, not "
                    + target.host(), false);
        }
        Set<String> unknown = new java.util.TreeSet<>(target.options().keySet());
        unknown.remove(OPTION_ROOT);
        if (!unknown.isEmpty()) {
            throw new ConfigException("unknown target options " + unknown + "; the EXR knows only " + OPTION_ROOT, false);
        }
        Path root = Optional.ofNullable(target.options().get(OPTION_ROOT)).map(Path::of).orElse(defaultRoot)
                .toAbsolutePath().normalize();
        RouterDirectory router = new RouterDirectory(root);
        try {
            router.ensureExists();
        } catch (IOException e) {
            throw new ConfigException("EXR folder " + root + " unusable: " + e.getMessage(), false, e);
        }
        return new ExampleFilesSession(router, writeLocks.computeIfAbsent(root, r -> new Object()));
    }

    /** The directory of a target that names none. */
    public Path defaultRoot() {
        return defaultRoot;
    }
}
