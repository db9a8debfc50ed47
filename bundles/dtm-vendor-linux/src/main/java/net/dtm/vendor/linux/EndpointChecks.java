package net.dtm.vendor.linux;

import java.net.InetAddress;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import net.dtm.api.TunnelType;
import net.dtm.spi.config.ConfigException;
import net.dtm.spi.config.TunnelIntent;

/**
 * What the target shows about an intent before anything changes ({@link net.dtm.spi.config.ConfigSession#check}):
 * the local outer address is configured here, the remote endpoint has a route from it (and not one
 * through the tunnel itself), and the kernel or user space can build the encapsulation. Reads only.
 */
final class EndpointChecks {

    private final LinuxHost host;
    private final KernelModules modules;
    private final WireGuardSupport wireGuard;

    EndpointChecks(LinuxHost host, KernelModules modules, WireGuardSupport wireGuard) {
        this.host = host;
        this.modules = modules;
        this.wireGuard = wireGuard;
    }

    /** The problems, each a sentence for an operator; empty when none. */
    List<String> check(TunnelIntent intent) throws ConfigException {
        List<String> problems = new ArrayList<>();
        InetAddress local = intent.localOuter();
        InetAddress remote = intent.remoteOuter().getAddress();
        if (remote == null) {
            problems.add("remote outer '" + intent.remoteOuter().getHostString() + "' is not an IP address");
            return problems;
        }
        boolean localHere = local.isAnyLocalAddress() || configured(local);
        if (!localHere) {
            problems.add("local outer address " + IpSyntax.address(local) + " is not configured in " + host.where());
        }
        problems.addAll(route(intent, remote, local, localHere && !local.isAnyLocalAddress()));
        problems.addAll(encapsulation(intent, IpSyntax.isIpv6(remote)));
        return problems;
    }

    private boolean configured(InetAddress local) throws ConfigException {
        String source = "ip -j addr show";
        try {
            return AddressEntry.parse(host.read(Tool.IP, List.of("-j", "addr", "show")), source).stream()
                    .anyMatch(a -> a.address().equals(local));
        } catch (JsonFields.UnexpectedOutputException e) {
            throw new ConfigException("cannot read the addresses of " + host.where() + ": " + e.getMessage(), false, e);
        }
    }

    private List<String> route(TunnelIntent intent, InetAddress remote, InetAddress local, boolean fromLocal) throws ConfigException {
        List<String> args = new ArrayList<>(List.of("-j", "route", "get", IpSyntax.address(remote)));
        if (fromLocal) {
            args.add("from");
            args.add(IpSyntax.address(local));
        }
        CommandRunner.Result r = host.run(Tool.IP, args);
        String from = fromLocal ? " from " + IpSyntax.address(local) : " in " + host.where();
        if (r.exitCode() != 0) {
            return List.of("endpoint " + IpSyntax.address(remote) + " unreachable" + from + ": " + LinuxHost.firstLines(r.stderr()));
        }
        Optional<String> device;
        try {
            device = GatewayRoute.lookupDevice(r.stdout(), LinuxHost.display(Tool.IP, args));
        } catch (JsonFields.UnexpectedOutputException e) {
            throw new ConfigException("cannot read the route to " + IpSyntax.address(remote) + ": " + e.getMessage(), false, e);
        }
        if (device.filter(intent.name()::equals).isPresent()) {
            return List.of("endpoint " + IpSyntax.address(remote) + " is routed through the tunnel " + intent.name()
                    + " itself; it needs a route outside the tunnel");
        }
        return List.of();
    }

    private List<String> encapsulation(TunnelIntent intent, boolean ipv6Outer) throws ConfigException {
        List<String> problems = new ArrayList<>();
        if (intent.type() == TunnelType.WIREGUARD) {
            if (wireGuard.mode() == WireGuardMode.MISSING) {
                problems.add(wireGuard.missingReason());
            }
            if (!host.installed(Tool.WG)) {
                problems.add(Tool.WG.notFound());
            }
            intent.wireGuard().ifPresent(keys -> {
                if (!Files.isReadable(keys.privateKeyFile())) {
                    problems.add("WireGuard private key file " + keys.privateKeyFile() + " does not exist or is not readable");
                }
            });
            return problems;
        }
        String module = TunnelKinds.module(intent.type(), ipv6Outer);
        if (!modules.available(module)) {
            problems.add("the kernel lacks " + module + " (" + intent.type() + " over IPv" + (ipv6Outer ? "6" : "4")
                    + "): it is neither loaded nor built in, and modprobe cannot find it");
        }
        return problems;
    }
}
