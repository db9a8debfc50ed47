package net.dtm.vendor.linux;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * A target made of a {@link FakeRunner} and fake system files under a temporary directory: no
 * command reaches the operating system. Tools are "installed" under their bare names.
 */
final class Fixture {

    final FakeRunner runner = new FakeRunner();
    final Set<String> missing = new HashSet<>();
    final HostFiles files;

    Fixture(Path dir) {
        try {
            files = new HostFiles(Files.createDirectories(dir.resolve("proc")), Files.createDirectories(dir.resolve("sys/module")),
                    Files.createDirectories(dir.resolve("run/netns")), dir.resolve("dev/net/tun"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Tools are found under their bare names unless marked missing. */
    ToolLocator locator() {
        return program -> missing.contains(program) ? Optional.empty() : Optional.of(program);
    }

    /** A host on this machine (no namespace). */
    LinuxHost host() {
        return host(Optional.empty());
    }

    LinuxHost host(Optional<String> netns) {
        return new LinuxHost(runner, locator(), netns, Duration.ofSeconds(10));
    }

    /** Makes {@code /sys/module/NAME} exist. */
    Fixture module(String name) {
        try {
            Files.createDirectories(files.sysModule().resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** Makes the TUN device exist. */
    Fixture tun() {
        try {
            Files.createDirectories(files.tunDevice().getParent());
            Files.writeString(files.tunDevice(), "");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** The adapter over this fixture. */
    LinuxAdapter adapter() {
        return new LinuxAdapter(runner, locator(), files);
    }

    /** A batch applier on {@code host}, with a short grace for wireguard-go. */
    BatchApplier applier(LinuxHost host) {
        KernelModules modules = new KernelModules(host, files.sysModule());
        return new BatchApplier(host, new WireGuardSupport(host, modules, files.tunDevice()),
                new WireGuardGoProcesses(files.proc(), Optional.empty(), Duration.ofMillis(200)));
    }
}
