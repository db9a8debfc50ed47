/**
 * DTM control protocol (wire versions 1 to 4): immutable messages, the datagram codec with authenticated encryption
 * (ChaCha20-Poly1305 under the device's own key), the replay window, and (version 4) the enrolment exchange by which
 * a router holding an enrolment token gets its own device credential ({@link net.dtm.protocol.EnrolCodec}).
 * See docs/wire-format.md.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.3.0")
package net.dtm.protocol;
