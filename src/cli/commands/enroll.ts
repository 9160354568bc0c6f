import { Command } from 'commander';

import { count } from '../../output/count';

import { saveGallery } from '../../prediction/gallery-file';
import {
  addPipelineOptions,
  createPipeline,
  defaultGalleryPath,
  openGallery,
  type PipelineFlags,
} from '../context';
import { expandImagePaths } from '../files';
import {
  enrollPeople,
  enrollPhotos,
  listLabelledFolder,
  type EnrollmentReport,
} from '../labelled-folder';

interface EnrollFlags extends PipelineFlags {
  gallery: string;
  fromFolder?: string;
}

/** `facelab enroll`: adds photos of one person, or of every person in a labelled folder, to the gallery. */
export function enrollCommand(): Command {
  const command = new Command('enroll')
    .description(
      'add photos of one person to the gallery (one photo is enough), or every person of a labelled folder with --from-folder',
    )
    .argument('[label]', 'name of the person')
    .argument(
      '[images...]',
      'photos of that person, or folders of them; the largest face of each photo is enrolled',
    )
    .option(
      '--from-folder <folder>',
      'enroll a folder whose sub-folders are named after the people and hold their photos (no label or images then)',
    )
    .option(
      '--gallery <file>',
      'gallery file, FACELAB_GALLERY if set',
      defaultGalleryPath(),
    );
  addPipelineOptions(command);
  return command.action(
    async (label: string | undefined, images: string[], flags: EnrollFlags) => {
      if (flags.fromFolder !== undefined && label !== undefined) {
        command.error(
          'error: pass either --from-folder or a label with images, not both',
        );
      }
      if (flags.fromFolder === undefined) {
        if (label === undefined || images.length === 0) {
          command.error(
            'error: pass a label and at least one image, or --from-folder FOLDER',
          );
        }
        if (label?.trim() === '') {
          command.error('error: the label must not be empty');
        }
      }
      // A bad folder is reported before the models load.
      const folderPeople =
        flags.fromFolder === undefined
          ? undefined
          : await listLabelledFolder(flags.fromFolder);
      const pipeline = await createPipeline(flags);
      try {
        const gallery = await openGallery(flags.gallery, pipeline);
        let report: EnrollmentReport;
        let enrolledWho: string;
        if (folderPeople !== undefined) {
          const before = new Set(gallery.labels().map((entry) => entry.label));
          report = await enrollPeople(pipeline, gallery, folderPeople);
          const added = gallery
            .labels()
            .filter((entry) => !before.has(entry.label)).length;
          enrolledWho = `${count(added, 'new person', 'new people')} from ${flags.fromFolder}`;
        } else {
          report = await enrollPhotos(
            pipeline,
            gallery,
            label!,
            await expandImagePaths(images),
          );
          enrolledWho = `"${label!.trim()}"`;
        }
        if (report.enrolled > 0) await saveGallery(gallery, flags.gallery);
        const people = gallery.labels().length;
        if (report.enrolled === 0) {
          process.stderr.write(
            `nothing was enrolled: no photo of ${enrolledWho} could be used, and ${flags.gallery} is unchanged\n`,
          );
        } else {
          process.stdout.write(
            `enrolled ${report.enrolled} photo(s) of ${enrolledWho} into ${flags.gallery} (gallery: ${count(people, 'person', 'people')}, ${count(gallery.size, 'photo', 'photos')})\n`,
          );
        }
        if (report.failed + report.withoutFace > 0) process.exitCode = 1;
      } finally {
        pipeline.dispose();
      }
    },
  );
}
