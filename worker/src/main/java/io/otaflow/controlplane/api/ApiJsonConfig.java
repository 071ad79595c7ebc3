package io.otaflow.controlplane.api;

import com.fasterxml.jackson.databind.Module;
import com.fasterxml.jackson.databind.module.SimpleModule;
import java.time.Duration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class ApiJsonConfig {

  /** Spring Boot adds Module beans to the REST API's ObjectMapper after its own Java time module, so this wins. */
  @Bean
  Module durationsAsPeopleWriteThem() {
    return new SimpleModule("otaflow-durations").addDeserializer(Duration.class, new PlanDurationDeserializer());
  }
}
