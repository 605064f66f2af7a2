import { PlantApiClient, PlantApiError } from './PlantApiClient';

function clientWith(response: Response) {
  const fetch = jest.fn(async (_input: RequestInfo | URL) => response.clone());
  const client = new PlantApiClient({
    discoveryApi: {
      getBaseUrl: async (id: string) => `http://backend/api/${id}`,
    },
    fetchApi: { fetch },
  });
  return { client, fetch };
}

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json' },
  });

describe('PlantApiClient', () => {
  it('asks /oee with the window, grouping and scope', async () => {
    const { client, fetch } = clientWith(
      json({ from: 'a', to: 'b', groups: [] }),
    );
    await client.getOee({
      from: new Date('2024-05-06T04:00:00Z'),
      to: new Date('2024-05-06T08:00:00Z'),
      groupBy: 'line',
      site: 'ms5-plant-a',
      line: 'filling',
    });
    const url = new URL(String(fetch.mock.calls[0][0]));
    expect(url.origin + url.pathname).toBe('http://backend/api/plant/oee');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      from: '2024-05-06T04:00:00.000Z',
      to: '2024-05-06T08:00:00.000Z',
      groupBy: 'line',
      site: 'ms5-plant-a',
      line: 'filling',
    });
  });

  it('leaves out filters that are not set', async () => {
    const { client, fetch } = clientWith(json({ items: [] }));
    await client.getMachines();
    expect(fetch).toHaveBeenCalledWith('http://backend/api/plant/machines');
    await client.getAndon({ site: 's1', active: true });
    expect(fetch).toHaveBeenLastCalledWith(
      'http://backend/api/plant/andon?site=s1&active=true',
    );
  });

  it('throws the backend error name and message', async () => {
    const { client } = clientWith(
      json(
        { error: { name: 'InputError', message: 'from must be before to' } },
        400,
      ),
    );
    const error = await client
      .getOeeTrend({
        from: new Date(0),
        to: new Date(0),
        resolution: 'hour',
      })
      .catch(e => e);
    expect(error).toBeInstanceOf(PlantApiError);
    expect(error).toMatchObject({
      name: 'InputError',
      message: 'from must be before to',
      statusCode: 400,
    });
  });

  it('falls back to the status line for a body that is not JSON', async () => {
    const { client } = clientWith(
      new Response('<html>bad gateway</html>', {
        status: 502,
        statusText: 'Bad Gateway',
      }),
    );
    await expect(client.getMachines()).rejects.toThrow(
      'Request failed with 502 Bad Gateway',
    );
  });
});
