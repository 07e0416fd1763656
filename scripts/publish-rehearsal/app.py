"""The Python app of the publish rehearsal (scripts/publish-rehearsal.sh).

It runs in a fresh virtualenv where `pip install cdk-lattice-eks==<version>` resolved the
package by name from the rehearsal's PyPI server, and aws-cdk-lib and constructs from the
package's requirements.
"""
import aws_cdk as cdk

import cdk_lattice_eks as lattice

# The output folder comes from CDK_OUTDIR, as under the CDK CLI.
app = cdk.App()
stack = cdk.Stack(app, "Rehearsal")
lattice.PrivateCaDomain(stack, "Domain", domain_name="example.com")
lattice.LatticeServiceNetwork(stack, "Network", service_network_name="lattice-gateway")
app.synth()
