"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { toast } from "sonner";
import { useCreateEndpoint } from "@/lib/client/endpoints";
import { handOver } from "@/lib/client/reveal-once";
import { Button } from "@/components/ui/button";
import { EndpointForm } from "./endpoint-form";
import { emptyEndpointForm } from "./form-model";

export function NewEndpoint({ appId }: { appId: string }) {
  const create = useCreateEndpoint(appId);
  const router = useRouter();
  const base = `/apps/${encodeURIComponent(appId)}/endpoints`;
  return (
    <div>
      <h2 className="mb-4 text-lg font-semibold text-slate-900">Add endpoint</h2>
      <EndpointForm
        mode="create"
        defaultValues={emptyEndpointForm}
        submitLabel="Save endpoint"
        footer={
          <Button asChild>
            <Link href={base}>Cancel</Link>
          </Button>
        }
        onSubmit={async (input) => {
          const endpoint = await create.mutateAsync(input);
          toast.success("Endpoint added");
          // The signing secret is in this response only; the detail page shows it once.
          handOver(`whsec:${endpoint.id}`, endpoint.standardWebhooks.secret);
          router.push(`${base}/${endpoint.id}`);
        }}
      />
    </div>
  );
}
