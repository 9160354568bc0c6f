import { Command } from 'commander';

import { count } from '../../output/count';

import { createLogger } from '../../log';
import { largestFaceOf } from '../../output/faces';
import { saveGallery } from '../../prediction/gallery-file';
import { runBatch } from '../batch';
import {
  addPipelineOptions,
  createPipeline,
  defaultGalleryPath,
  openGallery,
  type PipelineFlags,
} from '../context';
import { expandImagePaths } from '../files';

const log = createLogger('enroll');

interface EnrollFlags extends PipelineFlags {
  gallery: string;
}

/** `facelab enroll`: adds photos of one person to the gallery. */
export function enrollCommand(): Command {
  const command = new Command('enroll')
    .description(
      'add photos of one person to the gallery (one photo is enough)',
    )
    .argument('<label>', 'name of the person')
    .argument(
      '<images...>',
      'photos of that person, or folders of them; the largest face of each photo is enrolled',
    )
    .option(
      '--gallery <file>',
      'gallery file, FACELAB_GALLERY if set',
      defaultGalleryPath(),
    );
  addPipelineOptions(command);
  return command.action(
    async (label: string, images: string[], flags: EnrollFlags) => {
      if (label.trim() === '') {
        command.error('error: the label must not be empty');
      }
      const pipeline = await createPipeline(flags);
      try {
        const gallery = await openGallery(flags.gallery, pipeline);
        let enrolled = 0;
        let withoutFace = 0;
        const failures = await runBatch(
          pipeline,
          await expandImagePaths(images),
          (item) => {
            if ('error' in item) return;
            const face = largestFaceOf(item.analysis.faces);
            if (face === undefined) {
              log.error(
                `${item.path}: no face found; use a photo where the face is visible and at least 20 pixels wide`,
              );
              withoutFace++;
              return;
            }
            if (item.analysis.faces.length > 1) {
              log.warn(
                `${item.path}: ${item.analysis.faces.length} faces found; enrolling the largest`,
              );
            }
            gallery.add(label, face.embedding, item.path);
            enrolled++;
          },
        );
        if (enrolled > 0) await saveGallery(gallery, flags.gallery);
        const people = gallery.labels().length;
        process.stdout.write(
          `enrolled ${enrolled} photo(s) of "${label.trim()}" into ${flags.gallery} (gallery: ${count(people, 'person', 'people')}, ${count(gallery.size, 'photo', 'photos')})\n`,
        );
        if (failures + withoutFace > 0) process.exitCode = 1;
      } finally {
        pipeline.dispose();
      }
    },
  );
}
