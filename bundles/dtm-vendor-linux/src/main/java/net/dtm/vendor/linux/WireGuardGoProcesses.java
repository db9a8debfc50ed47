package net.dtm.vendor.linux;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The wireguard-go processes of the target, found through {@code /proc}: a process whose program
 * is {@code wireguard-go}, whose last argument is the interface name and whose network namespace is
 * the target's. wireguard-go exits by itself when its TUN device is deleted; {@link #ensureEnded}
 * is the safety net that stops one that does not.
 */
final class WireGuardGoProcesses {
    private static final Logger LOG = LoggerFactory.getLogger(WireGuardGoProcesses.class);

    private final Path proc;
    private final Optional<Path> netnsFile;
    private final Duration grace;

    /**
     * @param proc      the proc file system, {@code /proc}
     * @param netnsFile the target's namespace file ({@code /run/netns/NS}); empty for this process's namespace
     * @param grace     how long a process gets to end by itself, then after SIGTERM
     */
    WireGuardGoProcesses(Path proc, Optional<Path> netnsFile, Duration grace) {
        this.proc = proc;
        this.netnsFile = netnsFile;
        this.grace = grace;
    }

    /** Process ids of the wireguard-go processes serving interface {@code name} in the target. */
    List<Long> find(String name) {
        Optional<String> namespace = targetNamespace();
        List<Long> pids = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(proc, p -> p.getFileName().toString().matches("\\d+"))) {
            for (Path entry : entries) {
                if (serves(entry, name) && !zombie(entry)
                        && (namespace.isEmpty() || namespace.equals(linkTarget(entry.resolve("ns/net"))))) {
                    pids.add(Long.parseLong(entry.getFileName().toString()));
                }
            }
        } catch (IOException e) {
            LOG.warn("linux adapter: cannot list processes in {}: {}", proc, e.toString());
        }
        return pids;
    }

    /**
     * Makes sure the processes {@code pids} (found for {@code name} before its interface was deleted)
     * end: each gets {@code grace} to end by itself, then SIGTERM and {@code grace} again, then SIGKILL.
     *
     * @return the processes that were still running at the end (normally none)
     */
    List<Long> ensureEnded(String name, List<Long> pids) {
        return ensureEndedHandles(name, pids.stream().map(ProcessHandle::of).flatMap(Optional::stream).toList());
    }

    /** {@link #ensureEnded} for handles already looked up. */
    List<Long> ensureEndedHandles(String name, List<ProcessHandle> handles) {
        List<Long> survivors = new ArrayList<>();
        for (ProcessHandle handle : handles) {
            if (ended(handle)) {
                continue;
            }
            LOG.warn("linux adapter: wireguard-go for {} (pid {}) still runs after its interface was deleted; stopping it", name,
                    handle.pid());
            handle.destroy();
            if (ended(handle)) {
                continue;
            }
            handle.destroyForcibly();
            if (!ended(handle)) {
                LOG.error("linux adapter: wireguard-go for {} (pid {}) did not end after SIGKILL", name, handle.pid());
                survivors.add(handle.pid());
            }
        }
        return survivors;
    }

    /** Waits up to the grace period; a zombie (ended, not yet reaped by its parent) counts as ended. */
    private boolean ended(ProcessHandle handle) {
        try {
            handle.onExit().get(grace.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return zombie(proc.resolve(Long.toString(handle.pid())));
        } catch (ExecutionException e) {
            return !handle.isAlive();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !handle.isAlive();
        }
    }

    private static boolean serves(Path entry, String name) {
        try {
            String[] argv = new String(Files.readAllBytes(entry.resolve("cmdline")), StandardCharsets.UTF_8).split("\0");
            if (argv.length < 2) {
                return false;
            }
            String program = argv[0].substring(argv[0].lastIndexOf('/') + 1);
            return program.equals("wireguard-go") && argv[argv.length - 1].equals(name);
        } catch (IOException | RuntimeException gone) {
            return false;
        }
    }

    /** True if {@code /proc/PID/stat} shows state Z; false when it cannot be read (then the handle decides). */
    private static boolean zombie(Path entry) {
        try {
            String stat = Files.readString(entry.resolve("stat"), StandardCharsets.UTF_8);
            int close = stat.lastIndexOf(')');
            return close > 0 && close + 2 < stat.length() && stat.charAt(close + 2) == 'Z';
        } catch (IOException | RuntimeException gone) {
            return !Files.exists(entry);
        }
    }

    private Optional<String> targetNamespace() {
        if (netnsFile.isEmpty()) {
            return linkTarget(proc.resolve("self/ns/net"));
        }
        try {
            Object inode = Files.getAttribute(netnsFile.get(), "unix:ino");
            return Optional.of("net:[" + inode + "]");
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            LOG.debug("linux adapter: cannot identify namespace {}: {}", netnsFile.get(), e.toString());
            return Optional.empty();
        }
    }

    private static Optional<String> linkTarget(Path link) {
        try {
            return Optional.of(Files.readSymbolicLink(link).toString());
        } catch (IOException | UnsupportedOperationException e) {
            return Optional.empty();
        }
    }
}
