package net.dtm.vendor.linux;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import net.dtm.spi.config.ConfigException;
import net.dtm.spi.config.TunnelIntent;

/**
 * Reads the running state of one tunnel interface with {@code ip -j} and {@code wg show dump}, and
 * lists the tunnel interfaces present. Decoding is {@link RunningStateDecoder}'s.
 */
final class RunningStateReader {

    private final LinuxHost host;

    RunningStateReader(LinuxHost host) {
        this.host = host;
    }

    /** The state of {@code name}, or empty if there is no such interface. */
    Optional<TunnelIntent> read(String name, TunnelIntent.Role role) throws ConfigException {
        List<String> nameProblems = InterfaceNames.problems(name);
        if (!nameProblems.isEmpty()) {
            throw new ConfigException(String.join("; ", nameProblems), true);
        }
        List<String> linkArgs = List.of("-j", "-d", "link", "show", "dev", name);
        CommandRunner.Result linkResult = host.run(Tool.IP, linkArgs);
        if (linkResult.exitCode() != 0) {
            if (linkResult.stderr().contains("does not exist") || linkResult.stderr().contains("Cannot find device")) {
                return Optional.empty();
            }
            throw new ConfigException(LinuxHost.display(Tool.IP, linkArgs) + " failed in " + host.where() + " (exit "
                    + linkResult.exitCode() + "): " + LinuxHost.firstLines(linkResult.stderr()), false);
        }
        try {
            List<LinkState> links = LinkState.parse(linkResult.stdout(), LinuxHost.display(Tool.IP, linkArgs));
            if (links.size() != 1 || !links.get(0).name().equals(name)) {
                throw new ConfigException(LinuxHost.display(Tool.IP, linkArgs) + " in " + host.where() + " listed "
                        + links.size() + " interfaces instead of " + name, false);
            }
            LinkState link = links.get(0);
            List<AddressEntry> addresses = AddressEntry.parse(host.read(Tool.IP, List.of("-j", "addr", "show", "dev", name)),
                    "ip -j addr show dev " + name);
            List<GatewayRoute> routes = new ArrayList<>();
            routes.addAll(GatewayRoute.parse(host.read(Tool.IP, List.of("-4", "-j", "route", "show", "dev", name)), false,
                    "ip -4 -j route show dev " + name));
            routes.addAll(GatewayRoute.parse(host.read(Tool.IP, List.of("-6", "-j", "route", "show", "dev", name)), true,
                    "ip -6 -j route show dev " + name));
            return Optional.of(RunningStateDecoder.decode(role, link, addresses, routes, wireGuard(link)));
        } catch (JsonFields.UnexpectedOutputException e) {
            throw new ConfigException("cannot read " + name + " in " + host.where() + ": " + e.getMessage(), false, e);
        }
    }

    /**
     * Names of the tunnel interfaces (the kinds in {@link TunnelKinds#MANAGED}) whose name starts with
     * {@code prefix}, in the order the kernel lists them.
     */
    List<String> list(String prefix) throws ConfigException {
        String source = "ip -j -d link show";
        try {
            return LinkState.parse(host.read(Tool.IP, List.of("-j", "-d", "link", "show")), source).stream()
                    .filter(l -> l.name().startsWith(prefix))
                    .filter(l -> l.kind().filter(TunnelKinds.MANAGED::contains).isPresent())
                    .map(LinkState::name)
                    .toList();
        } catch (JsonFields.UnexpectedOutputException e) {
            throw new ConfigException("cannot list interfaces in " + host.where() + ": " + e.getMessage(), false, e);
        }
    }

    /**
     * The WireGuard state of {@code link} if it is a WireGuard interface: always for the kernel's,
     * and for a TUN device when wg knows it (wireguard-go).
     */
    private Optional<WireGuardState> wireGuard(LinkState link) throws ConfigException {
        String kind = link.kind().orElse("");
        if (!kind.equals("wireguard") && !kind.equals(TunnelKinds.TUN)) {
            return Optional.empty();
        }
        List<String> args = List.of("show", link.name(), "dump");
        if (kind.equals(TunnelKinds.TUN) && !host.installed(Tool.WG)) {
            return Optional.empty();
        }
        CommandRunner.Result r = host.run(Tool.WG, args);
        if (r.exitCode() != 0) {
            if (kind.equals(TunnelKinds.TUN)) {
                return Optional.empty();
            }
            throw new ConfigException("wg show " + link.name() + " dump failed in " + host.where() + " (exit " + r.exitCode()
                    + "): " + LinuxHost.firstLines(r.stderr()), false);
        }
        return Optional.of(WireGuardState.parseDump(r.stdout(), "wg show " + link.name() + " dump"));
    }
}
