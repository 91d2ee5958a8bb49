package io.lockwatch.devstack;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A test that runs on the embedded real stack (or starts processes of its own): tagged {@value
 * #TAG}, so that {@code ./mvnw test} (Surefire) leaves it out and {@code ./mvnw verify} (Failsafe)
 * runs it; a {@link DevStack} parameter gets the shared stack.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Tag(IntegrationTest.TAG)
@ExtendWith(DevStackExtension.class)
public @interface IntegrationTest {
  String TAG = "integration";
}
