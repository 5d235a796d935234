package dev.podnet.cidr;

/**
 * An allocation or release that upstream IPAM would refuse; the message is upstream's own error
 * text, so it can be compared with what a cluster printed.
 */
public final class IpamException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  IpamException(String upstreamMessage) {
    super(upstreamMessage);
  }
}
