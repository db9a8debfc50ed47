package net.dtm.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

import net.dtm.spi.cluster.Cluster;
import net.dtm.spi.store.LeaseStore;

/**
 * The distribution in cluster mode over TLS: etc/net.dtm.store.zookeeper.cfg points at the secure
 * client port of a ZooKeeper server the driver runs (Netty, client certificates required) with
 * {@code tls.enabled = true} and the key and trust stores, as docs/security.md shows. ZooKeeper's
 * Netty client must work inside Karaf: the node connects (a plain client gets no session on that
 * port) and a pool made through the shell lands in ZooKeeper.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ClusterModeTlsIT extends DtmTestSupport {

    @Override
    protected Option[] extraOptions() throws IOException {
        String connect = SecureZooKeeper.secureConnectString();
        Path passwordFile = secretFile("digest-" + Long.toHexString(System.nanoTime()));
        String zk = "etc/net.dtm.store.zookeeper.cfg";
        return new Option[] {
            editConfigurationFilePut("etc/net.dtm.store.cfg", "type", "zookeeper"),
            editConfigurationFilePut(zk, "connect", connect),
            editConfigurationFilePut(zk, "namespace", "dtm-itest-tls"),
            editConfigurationFilePut(zk, "auth.password.file", passwordFile.toString()),
            editConfigurationFilePut(zk, "node.id", "itest-tls-1"),
            editConfigurationFilePut(zk, "tls.enabled", "true"),
            editConfigurationFilePut(zk, "tls.keystore", SecureZooKeeper.keyStore().toString()),
            editConfigurationFilePut(zk, "tls.keystore.password.file", SecureZooKeeper.passwordFile().toString()),
            editConfigurationFilePut(zk, "tls.truststore", SecureZooKeeper.trustStore().toString()),
            editConfigurationFilePut(zk, "tls.truststore.password.file", SecureZooKeeper.passwordFile().toString()),
        };
    }

    @Test
    public void aClusterNodeWorksOverTls() throws Exception {
        Cluster cluster = service(Cluster.class, "(dtm.cluster.type=zookeeper)", SERVICE_TIMEOUT);
        awaitTrue("connected to ZooKeeper over TLS", Duration.ofSeconds(60), cluster::isConnected);
        LeaseStore store = service(LeaseStore.class, "(dtm.store.type=zookeeper)", SERVICE_TIMEOUT);
        String pool = "tls-" + unique();
        String created = executeCommand("pool:create " + pool + " 10.204.0.0/24");
        assertTrue(created, created.contains(pool));
        assertEquals(pool, store.pool(pool).orElseThrow().name());
    }
}
