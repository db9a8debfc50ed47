package net.dtm.itests;

import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import javax.security.auth.Subject;

import org.apache.karaf.jaas.boot.principal.UserPrincipal;
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

    @Test
    public void aViewerCannotDeleteAPoolAnAdminCanAndTheAuditNamesTheOperator() throws Exception {
        AddressPoolService pools = service(AddressPoolService.class);
        Subject admin = subject("ops-admin-" + unique(), "admin", "manager", "viewer", "ssh");
        Subject viewer = subject("watcher", "viewer", "ssh");
        String pool = "acl-" + unique();
        // serves no real device: the container's demo agent, establishing meanwhile, must not bind
        // in it (with a catch-all rule it could, by name order, and the delete would be refused)
        executeAs(admin, "pool:create --devices acl-test-only " + pool + " 10.203.0.0/24");
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
