package net.dtm.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Dictionary;
import java.util.Hashtable;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

import net.dtm.spi.cluster.Cluster;
import net.dtm.spi.store.LeaseStore;

/**
 * The store selection when the operator misspells the type: no store knows the others' names,
 * so none serves, and once the grace period is over the log says so in one ERROR naming the type.
 * Correcting {@code etc/net.dtm.store.cfg} on the running node starts the Derby store and, beside
 * it, the standalone cluster with the node id of {@code etc/net.dtm.cluster.standalone.cfg} and
 * its draining flag in {@code ${karaf.home}/dtm/node-draining}, beside the database.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class StoreSelectionIT extends DtmTestSupport {

    private static final String NODE_ID = "itest-standalone";

    @Override
    protected Option[] extraOptions() {
        return new Option[] {
            editConfigurationFilePut("etc/net.dtm.store.cfg", "type", "zookeper"),
            editConfigurationFilePut("etc/net.dtm.store.cfg", "selection.grace.seconds", "3"),
            editConfigurationFilePut("etc/net.dtm.cluster.standalone.cfg", "node.id", NODE_ID),
        };
    }

    private static String log() throws Exception {
        Path log = Paths.get(System.getProperty("karaf.data"), "log", "karaf.log");
        return Files.exists(log) ? Files.readString(log) : "";
    }

    @Test
    public void aMisspeltTypeIsReportedAndCorrectingItStartsDerbyWithTheStandaloneCluster() throws Exception {
        awaitComponentsActive("net.dtm.dtm-store-derby");
        awaitComponentsActive("net.dtm.dtm-store-zookeeper");
        awaitTrue("one ERROR naming the misspelt type", Duration.ofSeconds(60), () -> log().contains(
                "net.dtm.store type = zookeper: no store of type 'zookeper' has registered within 3 s (registered store types: none)"));
        assertEquals("no store serves a misspelt type", 0, references(LeaseStore.class, null).size());
        assertEquals("no cluster without a store", 0, references(Cluster.class, null).size());

        service(ConfigurationAdmin.class); // waits until it is registered
        ServiceReference<ConfigurationAdmin> ref = bundleContext.getServiceReference(ConfigurationAdmin.class);
        Configuration selection = bundleContext.getService(ref).getConfiguration("net.dtm.store", "?");
        Dictionary<String, Object> props = selection.getProperties() == null ? new Hashtable<>() : selection.getProperties();
        props.put("type", "derby");
        selection.update(props);

        service(LeaseStore.class, "(&(dtm.store.type=derby)(dtm.store.clustered=false))", SERVICE_TIMEOUT);
        Cluster cluster = service(Cluster.class, "(dtm.cluster.type=standalone)", SERVICE_TIMEOUT);
        assertEquals("the node id of etc/net.dtm.cluster.standalone.cfg", NODE_ID, cluster.nodeId());
        awaitTrue("the INFO once the store registered", Duration.ofSeconds(30),
                () -> log().contains("store 'derby' registered (net.dtm.store type = derby)"));

        Path flag = Paths.get(System.getProperty("karaf.home"), "dtm", "node-draining");
        assertTrue(cluster.setDraining(NODE_ID, true));
        assertTrue("the draining flag is a file where the Derby store kept it", Files.exists(flag));
        assertTrue(cluster.setDraining(NODE_ID, false));
        assertFalse(Files.exists(flag));
    }
}
