package io.github.cdklatticeeks.examples;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.LayerVersion;
import software.amazon.awscdk.services.s3.assets.AssetOptions;
import software.constructs.Construct;

/**
 * The kubectl/helm Lambda layer of the TypeScript and Python examples
 * ({@code KubectlV35Layer} of {@code @aws-cdk/lambda-layer-kubectl-v35} 2.2.2).
 *
 * <p>Maven Central has no {@code lambda-layer-kubectl-v33} or newer package, so
 * this builds the same {@link LayerVersion} that {@code KubectlV35Layer} builds:
 * the {@code lib/layer.zip} shipped in the npm package, with its custom asset
 * hash (the SHA-256 of the package's {@code layer/Dockerfile}, which pins the
 * tool versions), its description and its license. Same construct id, same
 * logical id, same properties and even the same asset hash as the other
 * languages. The npm package comes from the repository's node_modules
 * (system property {@code kubectl.layer.dir}, set by pom.xml, or the
 * {@code KUBECTL_LAYER_DIR} environment variable).
 */
public final class KubectlLayer {
  /** Version of {@code @aws-cdk/lambda-layer-kubectl-v35} whose layer and description this mirrors. */
  public static final String PACKAGE_VERSION = "2.2.2";

  /** {@code KubectlV35Layer}'s description in that version. */
  public static final String DESCRIPTION = "/opt/kubectl/kubectl 1.35.2; /opt/helm/helm 4.1.3";

  private KubectlLayer() {
  }

  /** A {@code KubectlV35Layer} equivalent with construct id {@code id}. */
  public static LayerVersion create(Construct scope, String id) {
    Path dir = packageDir();
    return LayerVersion.Builder.create(scope, id)
        .code(Code.fromAsset(dir.resolve("lib").resolve("layer.zip").toString(),
            AssetOptions.builder().assetHash(sha256(dir.resolve("layer").resolve("Dockerfile"))).build()))
        .description(DESCRIPTION)
        .license("Apache-2.0")
        .build();
  }

  /** The npm package folder, checked to be the version this class mirrors. */
  static Path packageDir() {
    String configured = System.getProperty("kubectl.layer.dir", System.getenv("KUBECTL_LAYER_DIR"));
    Path dir = Path.of(configured != null ? configured : "../../node_modules/@aws-cdk/lambda-layer-kubectl-v35")
        .toAbsolutePath().normalize();
    Path packageJson = dir.resolve("package.json");
    if (!Files.isRegularFile(packageJson)) {
      throw new IllegalStateException("@aws-cdk/lambda-layer-kubectl-v35 not found at " + dir
          + " (run npm ci in the repository root, or set -Dkubectl.layer.dir / KUBECTL_LAYER_DIR)");
    }
    try {
      Matcher version = Pattern.compile("\"version\"\\s*:\\s*\"([^\"]+)\"").matcher(Files.readString(packageJson));
      if (!version.find() || !PACKAGE_VERSION.equals(version.group(1))) {
        throw new IllegalStateException(dir + " is not @aws-cdk/lambda-layer-kubectl-v35 " + PACKAGE_VERSION
            + ": update PACKAGE_VERSION and DESCRIPTION from its lib/kubectl-layer.js");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return dir;
  }

  private static String sha256(Path file) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
