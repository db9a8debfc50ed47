package net.dtm.vendor.huaweivrp;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.dtm.api.Cidr;
import net.dtm.spi.config.ConfigException;
import net.dtm.spi.config.ConfigSession;
import net.dtm.spi.config.TunnelIntent;
import net.dtm.spi.config.ssh.CliShell;
import net.dtm.spi.config.ssh.SshConnection;

/**
 * A session on one VRP device, over one SSH shell: opening it turns paging off
 * ({@code screen-length 0 temporary}); reading is {@link RunningConfigReader}'s, changing and the
 * commit trial {@link CandidateWriter}'s.
 */
final class VrpSession implements ConfigSession {

    private static final Logger LOG = LoggerFactory.getLogger(VrpSession.class);
    private static final Pattern LOSS = Pattern.compile("(\\d+(?:\\.\\d+)?)% packet loss");

    private final SshConnection connection;
    private final VrpCli cli;
    private final String where;
    private final RunningConfigReader reader;
    private final CandidateWriter writer;

    private VrpSession(SshConnection connection, VrpCli cli, VrpTarget target, String where) {
        this.connection = connection;
        this.cli = cli;
        this.where = where;
        this.reader = new RunningConfigReader(cli, target.numbers(), where);
        this.writer = new CandidateWriter(cli, reader, where);
    }

    /**
     * Opens the shell on {@code connection} and turns paging off.
     *
     * @throws ConfigException if the shell fails or shows no VRP prompt
     */
    static VrpSession open(SshConnection connection, VrpTarget target, String where) throws ConfigException {
        CliShell shell = connection.shell(VrpPrompt.PATTERN);
        VrpSession s = new VrpSession(connection, new VrpCli(shell, target.commandTimeout(), where), target, where);
        try {
            s.start();
            return s;
        } catch (ConfigException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    private void start() throws ConfigException {
        VrpPrompt p = cli.current();
        if (!p.userView()) {
            cli.expect("return");
        }
        cli.expect("screen-length 0 temporary");
        LOG.debug("huawei-vrp {}: session open, prompt {}", where, cli.rawPrompt());
    }

    @Override
    public Optional<TunnelIntent> read(String name, TunnelIntent.Role role) throws ConfigException {
        return reader.read(name, role);
    }

    @Override
    public List<String> list(String prefix) throws ConfigException {
        return reader.list(prefix);
    }

    /**
     * The tunnel number the intent maps to must be free or already the intent's own, and the local
     * outer address must be up on an interface of the device.
     */
    @Override
    public List<String> check(TunnelIntent intent) throws ConfigException {
        return reader.check(intent);
    }

    @Override
    public void apply(List<String> commands) throws ConfigException {
        writer.apply(commands);
    }

    /** See {@link CandidateWriter#arm}. */
    void arm(Duration timeout) throws ConfigException {
        writer.arm(timeout);
    }

    /** See {@link CandidateWriter#confirmTrial}. */
    void confirmTrial() throws ConfigException {
        writer.confirmTrial();
    }

    /** See {@link CandidateWriter#revertTrial}. */
    void revertTrial() throws ConfigException {
        writer.revertTrial();
    }

    /** {@code ping [ipv6] -a INNER -c 3 -t MS PEER}: true if any echo came back. */
    @Override
    public boolean probe(TunnelIntent intent, Duration timeout) throws ConfigException {
        long ms = Math.max(1, Math.min(65535, timeout.toMillis() / 3));
        String out = reader.show("ping " + (VrpSyntax.isIpv6(intent.peerInner()) ? "ipv6 " : "") + "-a "
                + Cidr.format(intent.innerAddress()) + " -c 3 -t " + ms + " " + Cidr.format(intent.peerInner()));
        Matcher m = LOSS.matcher(out.toLowerCase(Locale.ROOT));
        return m.find() && Double.parseDouble(m.group(1)) < 100.0;
    }

    /** Clears an unfinished candidate and ends the connection; a running trial is left to the device's timer. */
    @Override
    public void close() {
        writer.abandon();
        cli.close();
        connection.close();
        LOG.debug("huawei-vrp {}: session closed", where);
    }
}
