package dev.podnet.fix;

/**
 * One thing the fix needs to be allowed to do, as a SelfSubjectAccessReview asks it and an RBAC
 * rule grants it.
 *
 * @param group the API group, empty for the core group
 * @param subresource e.g. {@code eviction}; empty for none
 * @param namespace empty for every namespace (a ClusterRole), else the one namespace (a Role)
 */
public record Permission(
    String verb, String group, String resource, String subresource, String namespace) {

  /**
   * How kubectl would name it: {@code create pods/eviction}, {@code update leases in kube-system}.
   */
  public String describe() {
    String qualified = group.isEmpty() ? resource : resource + "." + group;
    String what = subresource.isEmpty() ? qualified : qualified + "/" + subresource;
    return verb + " " + what + (namespace.isEmpty() ? "" : " in " + namespace);
  }
}
