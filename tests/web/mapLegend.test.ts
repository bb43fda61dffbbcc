/**
 * The map's legend on the wall is a small key (a line per layer, no headings, no notes) and opens
 * into the full legend when pointed at or focused; it follows the layers shown and the language.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import MapLegend from '../../web/src/map/MapLegend.vue';
import { useWallStore } from '../../web/src/stores/wall';

beforeEach(() => setActivePinia(createPinia()));

describe('map legend', () => {
  it('is a small key until pointed at, then the full legend; and closes again', async () => {
    const wrapper = mount(MapLegend);
    const legend = wrapper.find('[data-legend]');
    expect(legend.classes()).toContain('compact');
    expect(wrapper.find('.note').exists()).toBe(false); // the explanations only in the full legend
    expect(wrapper.text()).toContain('特别重大');
    await legend.trigger('mouseenter');
    expect(legend.classes()).not.toContain('compact');
    expect(wrapper.find('.note').exists()).toBe(true);
    await legend.trigger('mouseleave');
    expect(legend.classes()).toContain('compact');
    await legend.trigger('focus');
    expect(legend.classes()).not.toContain('compact');
    wrapper.unmount();
  });

  it('follows the layers shown and the language', async () => {
    const wall = useWallStore();
    const wrapper = mount(MapLegend);
    wall.lang = 'en';
    await wrapper.vm.$nextTick();
    expect(wrapper.text()).toContain('Especially serious');
    for (const key of ['incidents', 'risk', 'patrols', 'cameras'] as const) if (wall.layers[key]) wall.toggleLayer(key);
    wall.setHeat('off');
    await wrapper.vm.$nextTick();
    expect(wrapper.find('[data-legend]').exists()).toBe(false); // nothing shown, nothing to explain
    wrapper.unmount();
  });
});
