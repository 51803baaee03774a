// The ComputePort contract kept by the in-memory compute (the EC2 adapter keeps it on the emulator: test/integration/compute-contract.test.ts).
import { computeContract } from '../../contract/compute.ts';
import { A, fleetConfig, memoryCompute } from './fixtures.ts';

computeContract('MemoryCompute', async () => {
  const { compute } = memoryCompute();
  const fleet = fleetConfig();
  const elasticIp = async () => {
    const allocationId = compute.addElasticIp({ fleet: fleet.name });
    return { allocationId, publicIp: compute.elasticIp(allocationId)?.publicIp ?? '' };
  };
  return { compute, fleet, subnet: A, elasticIp };
});
