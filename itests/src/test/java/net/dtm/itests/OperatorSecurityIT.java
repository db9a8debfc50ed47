package net.dtm.itests;

import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivilegedActionException;
import java.security.PrivilegedExceptionAction;
import java.time.Duration;

import javax.security.auth.Subject;

import org.apache.karaf.jaas.boot.principal.RolePrincipal;
import org.apache.karaf.jaas.boot.principal.UserPrincipal;
import org.apache.karaf.shell.api.console.Session;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;

import net.dtm.api.AddressPoolService;

/**
 * The shipped distribution's operator security, through the real Karaf shell: the command ACLs
 * (etc/org.apache.karaf.command.acl.*.cfg) keep a viewer from pool:delete while an admin may run
 * it, the audit line in data/log/security.log names the operator, and ZooKeeper's Netty client
 * socket (needed for TLS to ZooKeeper) loads inside the container.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class OperatorSecurityIT extends DtmTestSupport {

    private static Subject subject(String user, String... roles) {
        Subject s = new Subject();
        s.getPrincipals().add(new UserPrincipal(user));
        for (String role : roles) {
            s.getPrincipals().add(new RolePrincipal(role));
        }
        return s;
    }

    /** Runs {@code command} in a new shell session as {@code subject}; returns what it printed. */
    private String executeAs(Subject subject, String command) throws Exception {
        String[] words = command.trim().split("\\s+")[0].split(":");
        awaitCommand(words[0], words[1]);
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8);
        Session session = sessionFactory.create(System.in, out, out);
        try {
            Object result = Subject.doAs(subject, (PrivilegedExceptionAction<Object>) () -> session.execute(command));
            if (result != null) {
                out.println(result);
            }
        } catch (PrivilegedActionException e) {
            throw e.getException();
        } finally {
            out.flush();
            session.close();
        }
        return buffer.toString(StandardCharsets.UTF_8);
    }

    /** True if the shell refused {@code command} to {@code subject} for want of a role. */
    private boolean deniedTo(Subject subject, String command) {
        try {
            executeAs(subject, command);
            return false;
        } catch (Exception e) {
            // Karaf refuses with SecurityException ("Insufficient credentials"), or hides the command
            // (CommandNotFoundException); anything else (e.g. "Pool not deleted: ...") ran it.
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof SecurityException || t.getClass().getSimpleName().equals("CommandNotFoundException")) {
                    return true;
                }
            }
            return false;
        }
    }

    @Test
    public void aViewerCannotDeleteAPoolAnAdminCanAndTheAuditNamesTheOperator() throws Exception {
        AddressPoolService pools = service(AddressPoolService.class);
        Subject admin = subject("ops-admin-" + unique(), "admin", "manager", "viewer", "ssh");
        Subject viewer = subject("watcher", "viewer", "ssh");
        String pool = "acl-" + unique();
        executeAs(admin, "pool:create " + pool + " 10.203.0.0/24");
        assertTrue(pools.pool(pool).isPresent());

        // The ACL configuration is read by Karaf after boot: wait until it guards pool:delete.
        awaitTrue("pool:delete guarded by its ACL", Duration.ofSeconds(60), () -> deniedTo(viewer, "pool:delete --force " + pool));
        assertTrue("the viewer's pool:delete changed nothing", pools.pool(pool).isPresent());
        String listed = executeAs(viewer, "pool:list");
        assertTrue("a viewer may list: " + listed, listed.contains(pool));

        String name = admin.getPrincipals(UserPrincipal.class).iterator().next().getName();
        String deleted = executeAs(admin, "pool:delete " + pool);
        assertTrue(deleted, deleted.contains("deleted"));
        assertFalse(pools.pool(pool).isPresent());

        Path securityLog = Path.of(System.getProperty("karaf.log"), "security.log");
        String expected = "operator " + name + " ran: pool:delete " + pool;
        awaitTrue("audit line '" + expected + "' in " + securityLog, Duration.ofSeconds(30),
                () -> Files.isRegularFile(securityLog) && Files.readString(securityLog).contains(expected));
        assertFalse("the viewer's refused attempt ran nothing", Files.readString(securityLog).contains("operator watcher ran: pool:delete"));
    }

    @Test
    public void zooKeepersNettyClientSocketLoadsInTheContainer() throws Exception {
        Bundle zookeeper = bundleBySymbolicName("org.apache.zookeeper");
        Class<?> nettyUtils = zookeeper.loadClass("org.apache.zookeeper.common.NettyUtils");
        try {
            Object channel = nettyUtils.getMethod("nioOrEpollSocketChannel").invoke(null);
            assertNotNull(channel);
        } catch (java.lang.reflect.InvocationTargetException e) {
            fail("ZooKeeper's Netty client cannot run in Karaf (TLS to ZooKeeper would fail): " + e.getCause());
        }
        assertNotNull(zookeeper.loadClass("org.apache.zookeeper.ClientCnxnSocketNetty"));
    }
}
