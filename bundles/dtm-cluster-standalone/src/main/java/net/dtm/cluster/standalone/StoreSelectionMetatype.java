package net.dtm.cluster.standalone;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

import net.dtm.spi.store.StoreSelection;

/**
 * Metatype of the store selection, PID {@value StoreSelection#PID} (read by every store and by
 * {@link StoreSelectionCheckComponent}, which this bundle runs on every server node): descriptions
 * for Karaf's config: commands and consoles. Metatype only.
 */
@ObjectClassDefinition(pid = StoreSelection.PID, name = "DTM store selection",
        description = "Which store serves this node: derby (standalone) or zookeeper (cluster); the other idles")
@interface StoreSelectionMetatype {

    @AttributeDefinition(name = "Store type", required = false,
            description = "derby (the default when empty: embedded Derby, a cluster of one) or zookeeper (a ZooKeeper"
                    + " ensemble, etc/net.dtm.store.zookeeper.cfg); changing it on a running node switches the store"
                    + " (data is not copied)")
    String type() default "derby";

    @AttributeDefinition(name = "Selection grace (s)", min = "1",
            description = "How long the selected store may take to register before an ERROR names it")
    int selection_grace_seconds() default StoreSelectionCheckComponent.DEFAULT_GRACE_SECONDS;
}
