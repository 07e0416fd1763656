// The TypeScript app of the publish rehearsal (scripts/publish-rehearsal.sh): it runs in
// a fresh folder where `npm install cdk-lattice-eks@<version>` resolved the package by
// name from the rehearsal's npm registry, and aws-cdk-lib and constructs as its peers.
import { App, Stack } from 'aws-cdk-lib';
import { LatticeServiceNetwork, PrivateCaDomain } from 'cdk-lattice-eks';

// The output folder comes from CDK_OUTDIR, as under the CDK CLI.
const app = new App();
const stack = new Stack(app, 'Rehearsal');
new PrivateCaDomain(stack, 'Domain', { domainName: 'example.com' });
new LatticeServiceNetwork(stack, 'Network', { serviceNetworkName: 'lattice-gateway' });
app.synth();
