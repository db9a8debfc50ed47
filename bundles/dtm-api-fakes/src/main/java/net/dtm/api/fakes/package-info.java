/**
 * In-memory fakes of the net.dtm.api services (pools, devices, enrolment, cluster, server, agent,
 * links, configuration) and a settable clock, for the unit tests of the modules that use those
 * services. Test support only: not a bundle, not exported, in no feature or distribution.
 */
package net.dtm.api.fakes;
