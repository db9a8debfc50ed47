package net.dtm.vendor.ciscoios;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.dtm.api.Cidr;
import net.dtm.spi.config.ConfigException;
import net.dtm.spi.config.ConfigSession;
import net.dtm.spi.config.TunnelIntent;
import net.dtm.spi.config.ssh.SshConnection;

/**
 * One SSH login to an IOS device for the length of a transaction, on one interactive shell in
 * privileged EXEC with paging off. Reads with {@code show running-config}, applies a batch in
 * {@code configure terminal} (or in the revert-timer configuration session {@link IosCommitConfirm}
 * opened), stopping at the first line IOS answers with an error. Success is never judged from
 * output: the core reads the state back.
 */
final class CiscoIosSession implements ConfigSession {

    private static final Logger LOG = LoggerFactory.getLogger(CiscoIosSession.class);

    /** The tunnels, their descriptions and the static routes, in one round trip. */
    static final String LIST_TUNNELS = "show running-config | include ^interface Tunnel|^ description|^ip route|^ipv6 route";
    /** Every interface with its description and addresses. */
    static final String LIST_ADDRESSES = "show running-config | include ^interface |^ description|^ ip address |^ ipv6 address ";
    static final String ARCHIVE_READY = "The next archive file will be named";
    private static final Pattern MOST_RECENT = Pattern.compile("(?m)^\\s*\\d+\\s+(\\S+)\\s+<- Most Recent");
    private static final Pattern SUCCESS_RATE = Pattern.compile("Success rate is (\\d+) percent");

    private final IosTarget target;
    private final SshConnection connection;
    private final IosCli cli;
    private final TunnelNumbers numbers;
    private final RunningConfigParser parser = new RunningConfigParser();
    private boolean armed;

    CiscoIosSession(IosTarget target, SshConnection connection, IosCli cli, TunnelNumbers numbers) {
        this.target = target;
        this.connection = connection;
        this.cli = cli;
        this.numbers = numbers;
    }

    /** Readies the shell: privileged EXEC, no paging. */
    void start() throws ConfigException {
        if (cli.userExec()) {
            throw new ConfigException(target.where() + ": the login lands in user EXEC (prompt '" + cli.prompt()
                    + "'); give the DTM user privilege 15 (username <name> privilege 15 ...)", false);
        }
        cli.exec("terminal length 0", false);
    }

    @Override
    public Optional<TunnelIntent> read(String name, TunnelIntent.Role role) throws ConfigException {
        OptionalLong number = numbers.number(name);
        if (number.isEmpty()) {
            return Optional.empty();
        }
        String tunnel = "Tunnel" + number.getAsLong();
        String listing = cli.exec(LIST_TUNNELS, false);
        String description = parser.tunnels(listing).get(tunnel);
        if (description == null || !description.equals(TunnelNumbers.description(name))) {
            return Optional.empty();
        }
        String config = cli.exec("show running-config interface " + tunnel, false);
        List<RunningConfigParser.Route> routes = parser.routes(listing, tunnel);
        try {
            return Optional.of(parser.tunnel(config, name, role, routes));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(target.where() + ": " + tunnel + " cannot be read: " + e.getMessage(), false, e);
        }
    }

    @Override
    public List<String> list(String prefix) throws ConfigException {
        List<String> names = new ArrayList<>();
        for (Map.Entry<String, String> e : parser.tunnels(cli.exec(LIST_TUNNELS, false)).entrySet()) {
            String d = e.getValue();
            if (!d.startsWith(TunnelNumbers.DESCRIPTION_PREFIX)) {
                continue;
            }
            String name = d.substring(TunnelNumbers.DESCRIPTION_PREFIX.length());
            // a description copied onto another tunnel by hand is not the tunnel DTM would address by that name
            OptionalLong n = numbers.number(name);
            if (name.startsWith(prefix) && n.isPresent() && e.getKey().equals("Tunnel" + n.getAsLong())) {
                names.add(name);
            }
        }
        names.sort(null);
        return names;
    }

    @Override
    public List<String> check(TunnelIntent intent) throws ConfigException {
        List<String> problems = new ArrayList<>();
        cli.toExec();
        String archive = cli.send("show archive");
        if (IosErrors.find(archive).isPresent() || !archive.contains(ARCHIVE_READY)) {
            problems.add(target.where() + " has no configuration archive, which the revert timer that protects every DTM"
                    + " change needs; configure it (nothing was changed): archive / path flash:dtm-archive / maximum 14");
        }
        String listing = cli.exec(LIST_ADDRESSES, false);
        OptionalLong number = numbers.number(intent.name());
        if (number.isPresent()) {
            String tunnel = "Tunnel" + number.getAsLong();
            String description = parser.tunnels(listing).get(tunnel);
            if (description != null && !description.equals(TunnelNumbers.description(intent.name()))) {
                problems.add(tunnel + " already exists on " + target.where() + " and is not DTM's tunnel for "
                        + intent.name() + " (its description is '" + description + "', DTM's would be '"
                        + TunnelNumbers.description(intent.name()) + "'); remove it or change tunnel.base");
            }
        }
        InetAddress local = intent.localOuter();
        if (!parser.interfaceAddresses(listing).contains(local)) {
            problems.add("local outer address " + Cidr.format(local) + " is not configured on any interface of "
                    + target.where());
        }
        return problems;
    }

    @Override
    public void apply(List<String> commands) throws ConfigException {
        if (commands.isEmpty()) {
            return;
        }
        if (!cli.inConfig()) {
            cli.exec("configure terminal", true);
        }
        for (String command : commands) {
            try {
                cli.checked(command, true);
            } catch (ConfigException e) {
                if (e.rejected()) {
                    leaveConfig();
                }
                throw e;
            }
        }
        cli.toExec();
        LOG.info("{}: applied {} lines", target.where(), commands.size());
        if (armed) {
            logDeviceDifferences();
        }
    }

    /**
     * Pings the peer's inner address from the tunnel interface; answered when IOS reports a success
     * rate above zero.
     */
    @Override
    public boolean probe(TunnelIntent intent, Duration timeout) throws ConfigException {
        long seconds = Math.max(1, Math.min(3600, (timeout.toMillis() + 999) / 1000));
        String out = cli.exec("ping " + Cidr.format(intent.peerInner()) + " source " + numbers.interfaceName(intent.name())
                + " repeat 1 timeout " + seconds, false);
        Matcher m = SUCCESS_RATE.matcher(out);
        return m.find() && Integer.parseInt(m.group(1)) > 0;
    }

    /** Enters configuration mode under a revert timer of {@code minutes} (see {@link IosCommitConfirm}). */
    void armRevertTimer(int minutes) throws ConfigException {
        cli.exec("configure terminal revert timer " + minutes, true);
        armed = true;
        LOG.info("{}: revert timer armed for {} min", target.where(), minutes);
    }

    /** {@code configure confirm}: keeps the change and stops the revert timer. */
    void confirmChange() throws ConfigException {
        cli.exec("configure confirm", true);
        armed = false;
        LOG.info("{}: change confirmed", target.where());
    }

    /** {@code configure revert now}: rolls the running configuration back to the timer's checkpoint. */
    void revertNow() throws ConfigException {
        cli.exec("configure revert now", true);
        armed = false;
        LOG.info("{}: change reverted (configure revert now)", target.where());
    }

    @Override
    public void close() {
        cli.close();
        connection.close();
    }

    private void leaveConfig() {
        try {
            cli.toExec();
        } catch (ConfigException e) {
            LOG.debug("{}: could not leave configuration mode after a refused line: {}", target.where(), e.getMessage());
        }
    }

    /** The device's own view of the change against the revert checkpoint, for the log only. */
    private void logDeviceDifferences() {
        try {
            Matcher m = MOST_RECENT.matcher(cli.exec("show archive", false));
            if (!m.find()) {
                return;
            }
            String diff = cli.exec("show archive config differences " + m.group(1) + " system:running-config", false);
            LOG.info("{}: the device's own view of the change: {}", target.where(),
                    String.join(" | ", diff.strip().lines().filter(l -> !l.isBlank()).toList()));
        } catch (ConfigException e) {
            LOG.debug("{}: no archive differences to log: {}", target.where(), e.getMessage());
        }
    }
}
