# METADATA
# title: Compose services run with no more privilege than they need
# description: >-
#   No service runs privileged or mounts the Docker socket writable, and every service built
#   from this repository runs with a read-only root filesystem, every capability dropped and
#   no-new-privileges. Trivy has no built-in compose checks; this adds them for compose.yaml.
# custom:
#   id: COMPOSE001
#   avd_id: COMPOSE001
#   severity: HIGH
#   short_code: compose-least-privilege
#   recommended_action: >-
#     Remove privileged; mount /var/run/docker.sock with :ro; give built services read_only,
#     cap_drop [ALL] and security_opt [no-new-privileges:true].
#   input:
#     selector:
#       - type: yaml
package user.compose.least_privilege

import rego.v1

# Only compose files have a map of services; every other YAML file yields nothing.
services := input.services if is_object(input.services)

deny contains res if {
	some name, service in services
	service.privileged == true
	res := result.new(sprintf("service %q runs privileged", [name]), {})
}

deny contains res if {
	some name, service in services
	some volume in object.get(service, "volumes", [])
	is_string(volume)
	contains(volume, "docker.sock")
	not endswith(volume, ":ro")
	res := result.new(sprintf("service %q mounts the Docker socket writable", [name]), {})
}

deny contains res if {
	some name, service in services
	service.build
	not service.read_only == true
	res := result.new(sprintf("service %q, built here, has a writable root filesystem", [name]), {})
}

deny contains res if {
	some name, service in services
	service.build
	not "ALL" in object.get(service, "cap_drop", [])
	res := result.new(sprintf("service %q, built here, keeps Linux capabilities", [name]), {})
}

deny contains res if {
	some name, service in services
	service.build
	not "no-new-privileges:true" in object.get(service, "security_opt", [])
	res := result.new(sprintf("service %q, built here, may gain privileges (no-new-privileges unset)", [name]), {})
}
