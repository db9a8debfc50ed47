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
 * The distribution in cluster mode with SASL DIGEST-MD5, configured as docs/security.md shows: a
 * JAAS file named by {@code java.security.auth.login.config} (here in etc/system.properties) and
 * {@code sasl.login.context} in etc/net.dtm.store.zookeeper.cfg, against a ZooKeeper server the
 * driver runs that serves no request of a session that has not authenticated with SASL. The node
 * works only if its ZooKeeper client logged in with the JAAS section inside Karaf.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ClusterModeSaslIT extends DtmTestSupport {

    @Override
    protected Option[] extraOptions() throws IOException {
        String connect = SaslZooKeeper.connectString();
        Path passwordFile = secretFile("digest-" + Long.toHexString(System.nanoTime()));
        String zk = "etc/net.dtm.store.zookeeper.cfg";
        return new Option[] {
            editConfigurationFilePut("etc/system.properties", "java.security.auth.login.config",
                    SaslZooKeeper.clientJaasFile().toString()),
            editConfigurationFilePut("etc/net.dtm.store.cfg", "type", "zookeeper"),
            editConfigurationFilePut(zk, "connect", connect),
            editConfigurationFilePut(zk, "namespace", "dtm-itest-sasl"),
            editConfigurationFilePut(zk, "auth.password.file", passwordFile.toString()),
            editConfigurationFilePut(zk, "node.id", "itest-sasl-1"),
            editConfigurationFilePut(zk, "sasl.login.context", SaslZooKeeper.LOGIN_CONTEXT),
            // ZooKeeper's 3.9.6 client refuses DIGEST-MD5 in FIPS mode, its default
            editConfigurationFilePut(zk, "fips.mode", "false"),
        };
    }

    @Test
    public void aClusterNodeAuthenticatesWithSasl() throws Exception {
        Cluster cluster = service(Cluster.class, "(dtm.cluster.type=zookeeper)", SERVICE_TIMEOUT);
        awaitTrue("connected to ZooKeeper", Duration.ofSeconds(60), cluster::isConnected);
        LeaseStore store = service(LeaseStore.class, "(dtm.store.type=zookeeper)", SERVICE_TIMEOUT);
        String pool = "sasl-" + unique();
        String created = executeCommand("pool:create " + pool + " 10.205.0.0/24");
        assertTrue(created, created.contains(pool));
        assertEquals(pool, store.pool(pool).orElseThrow().name());
    }
}
